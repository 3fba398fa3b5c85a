import type pg from 'pg';
import { compileConverter } from '../formats/index.js';
import { quoteIdent } from '../sources/index.js';
import {
  ConstraintError,
  type ImportRow,
  type PlatformTransaction,
  type PlatformWriter,
  type TransactionOptions,
} from './platform-writer.js';
import { postgresCast, toPostgresValue, type PostgresValue } from './postgres-values.js';

/** Keys looked up, or rows inserted, per statement (well under 65,535 parameters). */
const BATCH = 500;

/**
 * The platform's PostgreSQL database as an import target: one client of the
 * pool holds the import's single transaction, rolled back on any failure.
 */
export class PostgresWriter implements PlatformWriter {
  readonly dialect = 'postgres';

  /**
   * @param pool - A pool on the platform's database; the writer never ends it.
   * @param schema - Schema of the platform's tables. (Default: null, the search path)
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string | null = null,
  ) {}

  async transaction<T>(
    work: (tx: PlatformTransaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(this.tx(client));
      await client.query(options.commit ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private name(table: string): string {
    return this.schema === null
      ? quoteIdent(table)
      : `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  private tx(client: pg.PoolClient): PlatformTransaction {
    const run = async (sql: string, params: PostgresValue[]) => {
      try {
        return await client.query({ text: sql, values: params, rowMode: 'array' });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('23')) {
          throw new ConstraintError((error as Error).message);
        }
        throw error;
      }
    };
    return {
      maxKey: async (table, column) => {
        const result = await run(
          `SELECT max(${quoteIdent(column)})::text FROM ${this.name(table)}`,
          [],
        );
        const max = (result.rows[0] as unknown[] | undefined)?.[0];
        return typeof max === 'string' ? BigInt(max) : 0n;
      },
      existingKeys: async (table, columns, keys) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        const converters = columns.map((c) =>
          c.field === null ? (raw: unknown) => raw : compileConverter(c.field, c.name),
        );
        const found: ImportRow[] = [];
        for (let start = 0; start < keys.length; start += BATCH) {
          const batch = keys.slice(start, start + BATCH);
          const params: PostgresValue[] = [];
          const tuples = batch.map((key) => {
            const cells = key.map((v, i) => {
              params.push(toPostgresValue(columns[i]!, v));
              return `$${params.length}::${postgresCast(columns[i]!)}`;
            });
            return `(${cells.join(', ')})`;
          });
          const sql = `SELECT ${names} FROM ${this.name(table)} WHERE (${names}) IN (VALUES ${tuples.join(', ')})`;
          const result = await run(sql, params);
          for (const row of result.rows as unknown[][]) {
            found.push(row.map((v, i) => converters[i]!(v as never) as ImportRow[number]));
          }
        }
        return found;
      },
      insert: async (table, columns, rows) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        for (let start = 0; start < rows.length; start += BATCH) {
          const params: PostgresValue[] = [];
          const tuples = rows.slice(start, start + BATCH).map((row) => {
            const cells = row.map((v, i) => {
              params.push(toPostgresValue(columns[i]!, v));
              return `$${params.length}`;
            });
            return `(${cells.join(', ')})`;
          });
          await run(
            `INSERT INTO ${this.name(table)} (${names}) VALUES ${tuples.join(', ')}`,
            params,
          );
        }
      },
      update: async (table, columns, row, key, keyValue) => {
        const params = row.map((v, i) => toPostgresValue(columns[i]!, v));
        const set = columns.map((c, i) => `${quoteIdent(c.name)} = $${i + 1}`).join(', ');
        params.push(toPostgresValue(key, keyValue));
        const sql = `UPDATE ${this.name(table)} SET ${set} WHERE ${quoteIdent(key.name)} = $${params.length}`;
        return (await run(sql, params)).rowCount ?? 0;
      },
    };
  }
}
