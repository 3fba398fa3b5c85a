/** True when a database setting names PostgreSQL (`postgres://` or `postgresql://`) rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The file of a SQLite database setting: a path, optionally written `sqlite:path` or `sqlite://path`. */
export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '');
}
