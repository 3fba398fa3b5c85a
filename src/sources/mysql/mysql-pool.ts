import { createRequire } from 'node:module';
import type mysql from 'mysql2/promise';

/**
 * Session settings of every connection: UTC, so that DATETIME and TIMESTAMP
 * read and store the same whatever the server's zone; utf8mb4 text; and ANSI
 * quotes, so that the double-quoted identifiers Portage writes for every
 * dialect work.
 */
const SESSION_SETTINGS = [
  "SET time_zone = '+00:00'",
  'SET NAMES utf8mb4',
  "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')",
];

/**
 * A `mysql2` pool on a `mysql://user:password@host:port/database` (or
 * `mariadb://`) URL whose connections all run with Portage's session settings:
 * time zone `+00:00`, utf8mb4, `ANSI_QUOTES`. Values arrive as text where a
 * JavaScript number would round them (BIGINT, DECIMAL, dates, JSON).
 *
 * @param maxConnections - Connections kept open at most.
 */
export function openMysqlPool(url: string, maxConnections: number): mysql.Pool {
  // mysql2 loads with the first MySQL pool: a process that never opens one never loads it.
  const { createPool } = createRequire(import.meta.url)('mysql2/promise') as typeof mysql;
  const pool = createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: maxConnections,
    connectTimeout: 10_000,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
  });
  // The core pool's connections: settings run once per new connection, before its first use.
  pool.pool.on('connection', (connection) => {
    for (const statement of SESSION_SETTINGS) connection.query(statement);
  });
  return pool;
}
