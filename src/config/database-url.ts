/** True when a database setting names PostgreSQL (`postgres://` or `postgresql://`) rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The file of a SQLite database setting: a path, optionally written `sqlite:path` or `sqlite://path`. */
export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '');
}

/**
 * Connection settings of every PostgreSQL pool Portage opens. A connection
 * attempt gives up after 10 s instead of waiting forever on a server whose
 * packets are dropped, and TCP keepalives (first probe after 10 s idle) let
 * the kernel notice a peer that vanished without closing the connection, so
 * that a query waiting on it fails instead of hanging.
 */
export const POSTGRES_CONNECTION = {
  connectionTimeoutMillis: 10_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} as const;
