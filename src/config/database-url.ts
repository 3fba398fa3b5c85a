/** True when a database setting names PostgreSQL (`postgres://` or `postgresql://`) rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** True when a database setting names MySQL or MariaDB (`mysql://` or `mariadb://`). */
export function isMysqlUrl(url: string): boolean {
  return /^(mysql|mariadb):\/\//.test(url);
}

/** The file of a SQLite database setting: a path, optionally written `sqlite:path` or `sqlite://path`. */
export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '');
}

/**
 * Connection settings of every PostgreSQL pool Portage opens. A connection
 * attempt gives up after 10 s instead of waiting forever on a server whose
 * packets are dropped. TCP keepalives (first probe after 10 s idle) let the
 * kernel find a peer that vanished without closing the connection, so that a
 * query waiting on it fails in the end instead of hanging for good: with
 * Linux's default probe interval and count, about 11 minutes later.
 */
export const POSTGRES_CONNECTION = {
  connectionTimeoutMillis: 10_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} as const;
