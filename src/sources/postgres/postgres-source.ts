import { createRequire } from 'node:module';
import type pg from 'pg';
import {
  POSTGRES_CONNECTION,
  postgresPoolConfig,
  takeConnectionErrors,
} from '../../config/index.js';
import { toError } from '../../errors/index.js';
import { describePostgresSchema } from './postgres-schema.js';
import type { OpenRead } from './postgres-copy-read.js';
import { postgresSnapshot } from './postgres-snapshot.js';
import { SnapshotGoneError } from '../snapshot-gone.js';
import type {
  SchemaDescription,
  SharedSnapshots,
  SourceColumn,
  SourceDatabase,
  SourceSnapshot,
} from '../types.js';

/** Options of {@link PostgresSource}. */
export interface PostgresSourceOptions {
  /** Connections kept open at most; each running export holds one. (Default: 10) */
  readonly maxConnections?: number;
  /**
   * Read categories through binary `COPY` where every column's type has a
   * binary decoder; false reads every category through a cursor, as text.
   * Both give the same values. (Default: true)
   */
  readonly binaryCopy?: boolean;
}

/**
 * Session settings of every snapshot, so that values print the same whatever
 * the server's defaults: timestamps in UTC and ISO form, bytea in hex.
 */
const SNAPSHOT_SETTINGS = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'iso_8601'",
  "SET LOCAL bytea_output = 'hex'",
  // Floats printed as the shortest text that reads back exactly, as their binary form gives them.
  'SET LOCAL extra_float_digits = 1',
].join('; ');

/** `'text'` as an SQL string literal (a snapshot id, which has no placeholder form). */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * PostgreSQL's refusal of a snapshot that no longer exists (SQLSTATE 22023,
 * "invalid snapshot identifier") as a {@link SnapshotGoneError}; any other
 * failure as it is.
 */
function goneOr(id: string, thrown: unknown): Error {
  const error = toError(thrown);
  const code = (error as Error & { code?: unknown }).code;
  return code === '22023' && /snapshot/i.test(error.message)
    ? new SnapshotGoneError(id, { cause: error })
    : error;
}

/**
 * A platform database in PostgreSQL, read through a connection pool. A
 * snapshot is one `REPEATABLE READ READ ONLY` transaction on one connection;
 * rows stream through binary `COPY` where every column's type has a binary
 * decoder, otherwise through server-side cursors, and every value keeps the
 * exact form the value model expects (see `SOURCE_TYPES` and `binary-values.ts`).
 */
export class PostgresSource implements SourceDatabase {
  readonly dialect = 'postgres';
  private readonly pool: pg.Pool;
  private readonly connection: pg.ClientConfig;
  private readonly binaryCopy: boolean;

  /**
   * @param url - A `postgres://` or `postgresql://` connection URL; `?schema=`
   * picks the schema the platform's tables are read from (Default: `public`).
   */
  constructor(url: string, options: PostgresSourceOptions = {}) {
    // pg loads with the first PostgreSQL source: a process on SQLite never loads it.
    const { Pool } = createRequire(import.meta.url)('pg') as typeof pg;
    this.connection = { ...POSTGRES_CONNECTION, ...postgresPoolConfig(url) };
    this.binaryCopy = options.binaryCopy ?? true;
    // A connection that drops must not crash the process: the next query, or the snapshot's, reports it.
    this.pool = takeConnectionErrors(
      new Pool({ ...this.connection, max: options.maxConnections ?? 10 }),
    );
  }

  withSnapshot<T>(work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T> {
    return this.inSnapshot(null, (snapshot) => work(snapshot));
  }

  readonly shared: SharedSnapshots = {
    exporting: (work) => this.inSnapshot(null, work, true),
    joining: (id, work) => this.inSnapshot(id, (snapshot) => work(snapshot)),
  };

  /**
   * Runs `work` in a `REPEATABLE READ READ ONLY` transaction: a snapshot of
   * its own, or the one exported as `joined`; `exported` also exports it and
   * passes `work` its id.
   */
  private async inSnapshot<T>(
    joined: string | null,
    work: (snapshot: SourceSnapshot, id: string) => Promise<T>,
    exported = false,
  ): Promise<T> {
    const client = await this.pool.connect();
    const open = new Set<OpenRead>();
    let broken: Error | undefined;
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost ??= error);
    // A statement sent after the connection was lost fails only with pg's "not queryable".
    const lostOr = (error: unknown) => lost ?? error;
    client.on('error', onLost);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      if (joined !== null) {
        // Before any other statement of the transaction, as PostgreSQL requires.
        await client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(joined)}`).catch((error) => {
          throw goneOr(joined, error);
        });
      }
      await client.query(SNAPSHOT_SETTINGS);
      // The snapshot is taken by the first query: take it now, not at the first category.
      const { rows } = await client.query<[number, string | null]>({
        text: `SELECT pg_backend_pid(), ${exported ? 'pg_export_snapshot()' : 'NULL'}`,
        rowMode: 'array',
      });
      const [backend, id] = rows[0]!;
      const snapshot = postgresSnapshot(client, open, {
        binaryCopy: this.binaryCopy,
        cancel: () => this.cancelBackend(backend),
        lostOr,
      });
      const result = await work(snapshot, id ?? '');
      for (const close of open) await close();
      await client.query('COMMIT').catch((error: unknown) => {
        throw lostOr(error);
      });
      return result;
    } catch (error) {
      for (const close of open) await close().catch(() => undefined);
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = toError(rollbackError);
      });
      throw toError(error);
    } finally {
      client.off('error', onLost);
      client.release(broken ?? lost);
    }
  }

  /**
   * Cancels the statement a backend of this source runs, through a
   * connection of its own: the pool's may all be held by snapshots.
   */
  private async cancelBackend(backend: number): Promise<void> {
    const { Client } = createRequire(import.meta.url)('pg') as typeof pg;
    const client = new Client(this.connection);
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_cancel_backend($1)', [backend]);
    } finally {
      await client.end();
    }
  }

  async introspect(): Promise<SourceColumn[]> {
    const { rows } = await this.pool.query<{ table: string; column: string; type: string }>(
      `SELECT c.table_name AS "table", c.column_name AS "column",
              CASE WHEN c.data_type IN ('USER-DEFINED', 'ARRAY') THEN c.udt_name
                   ELSE c.data_type END AS "type"
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = ANY (current_schemas(false))
         AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
         AND t.table_type = 'BASE TABLE'
       ORDER BY c.table_name COLLATE "C", c.ordinal_position`,
    );
    return rows;
  }

  describeSchema(): Promise<SchemaDescription> {
    return describePostgresSchema(this.pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
