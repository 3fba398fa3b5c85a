import mysql from 'mysql2/promise';
import { toError } from '../../errors/index.js';
import type { SchemaDescription, SourceColumn, SourceDatabase, SourceSnapshot } from '../types.js';
import { describeMysqlSchema } from './mysql-schema.js';
import { mysqlSnapshot } from './mysql-snapshot.js';

/** Options of {@link MysqlSource}. */
export interface MysqlSourceOptions {
  /** Connections kept open at most; each running export holds one. (Default: 10) */
  readonly maxConnections?: number;
}

/**
 * Session settings of every connection: UTC, so that DATETIME and TIMESTAMP
 * print the same whatever the server's zone; utf8mb4 text; and ANSI quotes, so
 * that the double-quoted identifiers Portage writes for every dialect work.
 */
const SESSION_SETTINGS = [
  "SET time_zone = '+00:00'",
  'SET NAMES utf8mb4',
  "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')",
];

/**
 * A platform database in MySQL or MariaDB, read through a connection pool
 * (`mysql2`). A snapshot is one `REPEATABLE READ` transaction started `WITH
 * CONSISTENT SNAPSHOT, READ ONLY` on one connection; rows stream from the
 * server, and `portage check` reads `information_schema` of the URL's database.
 */
export class MysqlSource implements SourceDatabase {
  readonly dialect = 'mysql';
  private readonly pool: mysql.Pool;

  /** @param url - A `mysql://user:password@host:port/database` (or `mariadb://`) URL. */
  constructor(url: string, options: MysqlSourceOptions = {}) {
    this.pool = mysql.createPool({
      uri: url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: options.maxConnections ?? 10,
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
    this.pool.pool.on('connection', (connection) => {
      for (const statement of SESSION_SETTINGS) connection.query(statement);
    });
  }

  async withSnapshot<T>(work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    let broken = false;
    try {
      await connection.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const result = await work(mysqlSnapshot(connection));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => (broken = true));
      throw toError(error);
    } finally {
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  async introspect(): Promise<SourceColumn[]> {
    const [rows] = await this.pool.query(
      `SELECT c.TABLE_NAME AS "table", c.COLUMN_NAME AS "column", c.COLUMN_TYPE AS "type"
       FROM information_schema.COLUMNS c
       JOIN information_schema.TABLES t
         ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
       WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
       ORDER BY CAST(c.TABLE_NAME AS BINARY), c.ORDINAL_POSITION`,
    );
    return (rows as { table: string; column: string; type: string | Buffer }[]).map((r) => ({
      table: r.table,
      column: r.column,
      type: String(r.type),
    }));
  }

  describeSchema(): Promise<SchemaDescription> {
    return describeMysqlSchema(this.pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
