import type pg from 'pg';
import { ConfigError } from './settings.js';

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

/** A PostgreSQL URL's connection string and the schema its `?schema=` names. */
export interface PostgresTarget {
  /** The URL without its `schema` parameter. */
  readonly connectionString: string;
  /** The schema `?schema=` names; null when absent (then `public`). */
  readonly schema: string | null;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Splits `?schema=` off a PostgreSQL URL (SPEC §12.4: it picks the schema a
 * platform's tables live in). The name must be a plain lowercase identifier.
 * @throws ConfigError when the schema is not such a name (a person's mistake, told in one line).
 */
export function postgresTarget(url: string): PostgresTarget {
  const match = /^([^?#]*)\?([^#]*)(#.*)?$/.exec(url);
  if (match === null) return { connectionString: url, schema: null };
  const params = new URLSearchParams(match[2]);
  const schema = params.get('schema');
  if (schema === null) return { connectionString: url, schema: null };
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigError(
      `?schema=${schema} is not a schema name Portage accepts (lowercase letters, digits and _)`,
    );
  }
  params.delete('schema');
  const rest = params.toString();
  return { connectionString: `${match[1]}${rest === '' ? '' : `?${rest}`}`, schema };
}

/**
 * `pg` pool settings for a PostgreSQL URL: its `?schema=`, else `public`
 * (SPEC §12.4), becomes every session's `search_path`, so unqualified table
 * names and introspection see that schema alone, whatever the server's
 * default `search_path` (`"$user", public`) would add. `options` are further
 * `-c` settings to send.
 */
export function postgresPoolConfig(
  url: string,
  options: readonly string[] = [],
): { connectionString: string; options: string } {
  const { connectionString, schema } = postgresTarget(url);
  return {
    connectionString,
    options: [`-c search_path=${schema ?? 'public'}`, ...options].join(' '),
  };
}

/**
 * Has `pool` take the 'error' event of a connection ended from outside (a
 * server restart, an administrator, a database dropped `WITH (FORCE)`): with
 * no listener, that event is an uncaught exception that ends the process. An
 * idle client's error goes to `onIdleError`, and the pool replaces the
 * client; a checked-out client's query fails with the error itself, and the
 * pool discards the client on release.
 */
export function takeConnectionErrors<P extends pg.Pool>(
  pool: P,
  onIdleError: (error: Error) => void = () => undefined,
): P {
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
