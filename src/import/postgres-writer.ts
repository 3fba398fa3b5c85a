import type pg from 'pg';
import { compileConverter } from '../formats/index.js';
import { quoteIdent, tenantScope } from '../sources/index.js';
import { PostgresColumnTypes } from './postgres-column-types.js';
import { copyIn, copyText } from './postgres-copy.js';
import {
  ConstraintError,
  type ImportColumn,
  type ImportRow,
  type PlatformTransaction,
  type PlatformWriter,
  type TransactionOptions,
} from './platform-writer.js';
import { toPostgresValue, type PostgresValue } from './postgres-values.js';

/** Keys looked up per statement (well under 65,535 parameters). */
const BATCH = 500;

/**
 * The platform's PostgreSQL database as an import target: one client of the
 * pool holds the import's single transaction, rolled back on any failure.
 * Every parameter is cast to its column's own type, read from the catalog of
 * the database (`uuid`, enums, domains and `bytea` included), so a key
 * compares and a value stores as the column holds it. Rows are inserted with
 * `COPY … FROM STDIN`, each value read by its column's own input function.
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
      if (this.schema !== null) {
        await client.query(`SET LOCAL search_path TO ${quoteIdent(this.schema)}`);
      }
      const result = await work(this.tx(client));
      const ended = await client.query(options.commit ? 'COMMIT' : 'ROLLBACK');
      // PostgreSQL answers COMMIT of a transaction a failed statement aborted
      // with ROLLBACK, not an error: an import whose failure went unseen must not pass for written.
      if (options.commit && ended.command !== 'COMMIT') {
        throw new Error(
          `The target database rolled the import back (it answered ${ended.command} to COMMIT)`,
        );
      }
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
    /** A constraint's refusal as a {@link ConstraintError}; any other error as it is. */
    const refusal = (error: unknown, primaryKey: string | null = null): unknown => {
      const { code, constraint } = error as { code?: unknown; constraint?: unknown };
      if (typeof code !== 'string' || !code.startsWith('23')) return error;
      const keyTaken = code === '23505' && primaryKey !== null && constraint === primaryKey;
      return new ConstraintError((error as Error).message, keyTaken, copyLineOf(error));
    };
    const run = async (sql: string, params: PostgresValue[]) => {
      try {
        return await client.query({ text: sql, values: params, rowMode: 'array' });
      } catch (error) {
        throw refusal(error);
      }
    };
    const primaryKeys = new Map<string, string | null>();
    /** The name of the primary-key constraint of `table` (null when it has none). */
    const primaryKeyOf = async (table: string): Promise<string | null> => {
      if (!primaryKeys.has(table)) {
        const result = await run(
          `SELECT conname::text FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
          [this.name(table)],
        );
        const name = (result.rows[0] as unknown[] | undefined)?.[0];
        primaryKeys.set(table, typeof name === 'string' ? name : null);
      }
      return primaryKeys.get(table) ?? null;
    };
    const types = new PostgresColumnTypes(
      (sql, params) => run(sql, params),
      (t) => this.name(t),
    );
    /** `(cells), …` of `rows` as parameters cast to the columns' types, appended to `params`. */
    const tuples = async (
      table: string,
      columns: readonly ImportColumn[],
      rows: readonly ImportRow[],
      params: PostgresValue[],
    ) => {
      const casts = await types.casts(table, columns);
      return rows
        .map((row) => {
          const cells = row.map((v, i) => {
            params.push(toPostgresValue(columns[i]!, v));
            return `$${params.length}${casts[i]!}`;
          });
          return `(${cells.join(', ')})`;
        })
        .join(', ');
    };
    const readKeys = async (
      columns: readonly ImportColumn[],
      sql: string,
      params: PostgresValue[],
    ) => {
      const converters = columns.map((c) =>
        c.field === null ? (raw: unknown) => raw : compileConverter(c.field, c.name),
      );
      const result = await run(sql, params);
      return (result.rows as unknown[][]).map((row) =>
        row.map((v, i) => converters[i]!(v as never) as ImportRow[number]),
      );
    };
    const sequenceOf = async (table: string, column: string): Promise<string | null> => {
      const result = await run('SELECT pg_get_serial_sequence($1, $2)', [this.name(table), column]);
      const name = (result.rows[0] as unknown[] | undefined)?.[0];
      return typeof name === 'string' ? name : null;
    };
    /** The largest value the sequence has handed out (or would hand out just before its next). */
    const sequenceUsed = async (sequence: string): Promise<bigint> => {
      const result = await run(
        `SELECT (CASE WHEN is_called THEN last_value ELSE last_value - 1 END)::text FROM ${sequence}`,
        [],
      );
      return BigInt((result.rows[0] as string[])[0]!);
    };
    const maxOf = async (table: string, column: string): Promise<bigint | null> => {
      const result = await run(
        `SELECT max(${quoteIdent(column)})::text FROM ${this.name(table)}`,
        [],
      );
      const max = (result.rows[0] as unknown[] | undefined)?.[0];
      return typeof max === 'string' ? BigInt(max) : null;
    };
    return {
      tellsTakenKeys: true,
      reserveKeys: async (table, column, count, reserve) => {
        const max = (await maxOf(table, column)) ?? 0n;
        const sequence = await sequenceOf(table, column);
        if (sequence === null) return max;
        const used = await sequenceUsed(sequence);
        const above = used > max ? used : max;
        if (reserve && count > 0) {
          await run(`SELECT setval($1::regclass, $2::bigint)`, [
            sequence,
            String(above + BigInt(count)),
          ]);
        }
        return above;
      },
      syncSequence: async (table, column) => {
        const sequence = await sequenceOf(table, column);
        if (sequence === null) return;
        const max = await maxOf(table, column);
        if (max !== null && max > (await sequenceUsed(sequence))) {
          await run(`SELECT setval($1::regclass, $2::bigint)`, [sequence, String(max)]);
        }
      },
      existingKeys: async (table, columns, keys) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        const found: ImportRow[] = [];
        for (let start = 0; start < keys.length; start += BATCH) {
          const params: PostgresValue[] = [];
          const values = await tuples(table, columns, keys.slice(start, start + BATCH), params);
          const sql = `SELECT ${names} FROM ${this.name(table)} WHERE (${names}) IN (VALUES ${values})`;
          found.push(...(await readKeys(columns, sql, params)));
        }
        return found;
      },
      ownKeys: async (source, columns, keys, tenant) => {
        const names = columns.map((c) => `t0.${quoteIdent(c.name)}`).join(', ');
        const scope = tenantScope(source).replace(/(?<!:):tenant\b/g, '$1');
        const found: ImportRow[] = [];
        for (let start = 0; start < keys.length; start += BATCH) {
          const params: PostgresValue[] = [tenant];
          const values = await tuples(
            source.table,
            columns,
            keys.slice(start, start + BATCH),
            params,
          );
          const where = source.kind === 'query' ? 'WHERE' : 'AND';
          const sql = `SELECT ${names} FROM ${scope} ${where} (${names}) IN (VALUES ${values})`;
          found.push(...(await readKeys(columns, sql, params)));
        }
        return found;
      },
      insert: async (table, columns, rows) => {
        if (rows.length === 0) return;
        const primaryKey = await primaryKeyOf(table);
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        // COPY writes an identity column's given values, as INSERT … OVERRIDING SYSTEM VALUE does.
        const sql = `COPY ${this.name(table)} (${names}) FROM STDIN`;
        try {
          await copyIn(client, sql, copyText(columns, rows));
        } catch (error) {
          throw refusal(error, primaryKey);
        }
      },
      update: async (table, columns, row, key, keyValues) => {
        const casts = await types.casts(table, [...columns, ...key]);
        const params = [...row, ...keyValues].map((v, i) =>
          toPostgresValue([...columns, ...key][i]!, v),
        );
        const set = columns
          .map((c, i) => `${quoteIdent(c.name)} = $${i + 1}${casts[i]!}`)
          .join(', ');
        const where = key
          .map((c, k) => {
            const at = columns.length + k;
            return `${quoteIdent(c.name)} = $${at + 1}${casts[at]!}`;
          })
          .join(' AND ');
        const sql = `UPDATE ${this.name(table)} SET ${set} WHERE ${where}`;
        return (await run(sql, params)).rowCount ?? 0;
      },
    };
  }
}

/**
 * The row of a `COPY … FROM STDIN` the server refused, from 0: its error's
 * context names the line (`COPY tasks, line 12`, after any trigger's own
 * context); null for an error of any other statement.
 */
function copyLineOf(error: unknown): number | null {
  const where = (error as { where?: unknown }).where;
  if (typeof where !== 'string') return null;
  const line = /^COPY [^\n]*, line (\d+)/m.exec(where)?.[1];
  return line === undefined ? null : Number(line) - 1;
}
