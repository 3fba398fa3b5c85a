import type mysql from 'mysql2/promise';
import { toError } from '../../errors/index.js';
import type { SchemaDescription, SourceColumn, SourceDatabase, SourceSnapshot } from '../types.js';
import { openMysqlPool } from './mysql-pool.js';
import { describeMysqlSchema } from './mysql-schema.js';
import { mysqlSnapshot, type SnapshotState } from './mysql-snapshot.js';

/** Options of {@link MysqlSource}. */
export interface MysqlSourceOptions {
  /** Connections kept open at most; each running export holds one. (Default: 10) */
  readonly maxConnections?: number;
}

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
    this.pool = openMysqlPool(url, options.maxConnections ?? 10);
  }

  async withSnapshot<T>(work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    const state: SnapshotState = { abandoned: false };
    let broken = false;
    try {
      await connection.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const result = await work(mysqlSnapshot(connection, state));
      if (!state.abandoned) await connection.query('COMMIT');
      return result;
    } catch (error) {
      if (!state.abandoned) await connection.query('ROLLBACK').catch(() => (broken = true));
      throw toError(error);
    } finally {
      if (broken || state.abandoned) connection.destroy();
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
