import type mysql from 'mysql2/promise';
import { toError } from '../errors/index.js';
import { compileConverter } from '../formats/index.js';
import {
  mysqlTypeCast,
  openMysqlPool,
  quoteIdent,
  tenantScope,
  withTenantParameters,
} from '../sources/index.js';
import { MysqlColumnTypes } from './mysql-column-types.js';
import { mysqlPlaceholder, toMysqlValue, type MysqlValue } from './mysql-values.js';
import {
  ConstraintError,
  type ImportColumn,
  type ImportRow,
  type PlatformTransaction,
  type PlatformWriter,
  type TransactionOptions,
} from './platform-writer.js';

/** Keys looked up, or rows inserted, per statement. */
const BATCH = 500;
/** Escaped bytes per INSERT at most, well under the server's default `max_allowed_packet` (16 MiB). */
const STATEMENT_BYTES = 4 * 1024 * 1024;

/** Integer keys and their AUTO_INCREMENT tables to move past the largest key, once committed. */
type CounterMoves = Map<string, string>;

/**
 * The platform's MySQL or MariaDB database as an import target: one
 * connection of its own pool holds the import's single transaction, rolled
 * back on any failure. Each value is stored as its column's type asks, the
 * type read from `information_schema` (see `toMysqlValue`).
 *
 * New integer keys start above both the column's largest value and the
 * table's `AUTO_INCREMENT` counter. MySQL cannot move that counter inside a
 * transaction (`ALTER TABLE` commits implicitly), so the counter is not
 * reserved ahead: InnoDB moves it past every explicit key an insert writes,
 * and after the commit `ALTER TABLE … AUTO_INCREMENT` sets it past the
 * largest key of each table written. A row another writer inserts meanwhile
 * with a key of the block makes the import fail with a constraint error and
 * roll back.
 */
export class MysqlWriter implements PlatformWriter {
  readonly dialect = 'mysql';
  private readonly pool: mysql.Pool;

  /** @param url - The platform's `mysql://user:password@host:port/database` (or `mariadb://`) URL. */
  constructor(url: string) {
    this.pool = openMysqlPool(url, 2);
  }

  async transaction<T>(
    work: (tx: PlatformTransaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      // MySQL 8 caches `information_schema.TABLES.AUTO_INCREMENT`; MariaDB has no such variable.
      await connection.query('SET SESSION information_schema_stats_expiry = 0').catch(() => 0);
      await connection.query('START TRANSACTION');
      const moves: CounterMoves = new Map();
      let result: T;
      try {
        result = await work(this.tx(connection, moves));
        await connection.query(options.commit ? 'COMMIT' : 'ROLLBACK');
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      if (options.commit) {
        await moveCounters(connection, moves).catch((error: unknown) => {
          // The rows are committed, and InnoDB moved the counters as they were inserted.
          console.error('import: moving AUTO_INCREMENT counters failed:', toError(error).message);
        });
      }
      return result;
    } finally {
      connection.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private tx(connection: mysql.PoolConnection, moves: CounterMoves): PlatformTransaction {
    const keyCast = mysqlTypeCast(new Map());
    const run = async (sql: string, params: MysqlValue[]) => {
      try {
        const [rows] = await connection.query({
          sql,
          values: params,
          rowsAsArray: true,
          typeCast: keyCast,
        });
        return rows;
      } catch (error) {
        const state = (error as { sqlState?: unknown }).sqlState;
        if (typeof state === 'string' && state.startsWith('23')) {
          throw new ConstraintError((error as Error).message);
        }
        throw error;
      }
    };
    const select = async (sql: string, params: MysqlValue[]) =>
      (await run(sql, params)) as unknown[][];
    const types = new MysqlColumnTypes(select);
    /** `(cells), …` of `rows` stored as the columns' types ask, parameters appended to `params`. */
    const tuples = async (
      table: string,
      columns: readonly ImportColumn[],
      rows: readonly ImportRow[],
      params: MysqlValue[],
    ) => {
      const columnTypes = await types.of(table, columns);
      return rows
        .map((row) => {
          const cells = row.map((v, i) => {
            const value = toMysqlValue(columns[i]!, columnTypes[i], v);
            const text = mysqlPlaceholder(columns[i]!, value);
            if (text === '?') params.push(value);
            return text;
          });
          return `(${cells.join(', ')})`;
        })
        .join(', ');
    };
    const readKeys = async (
      columns: readonly ImportColumn[],
      sql: string,
      params: MysqlValue[],
    ) => {
      const converters = columns.map((c) =>
        c.field === null ? (raw: unknown) => raw : compileConverter(c.field, c.name),
      );
      return (await select(sql, params)).map((row) =>
        row.map((v, i) => converters[i]!(v as never) as ImportRow[number]),
      );
    };
    const maxOf = async (table: string, column: string): Promise<bigint | null> => {
      const rows = await select(
        `SELECT CAST(max(${quoteIdent(column)}) AS CHAR) FROM ${quoteIdent(table)}`,
        [],
      );
      return integerOf(rows[0]?.[0]);
    };
    return {
      tellsTakenKeys: false,
      reserveKeys: async (table, column) => {
        const max = (await maxOf(table, column)) ?? 0n;
        if (!(await types.column(table, column))?.autoIncrement) return max;
        const used = (await nextAutoIncrement(select, table)) - 1n;
        return used > max ? used : max;
      },
      syncSequence: async (table, column) => {
        if ((await types.column(table, column))?.autoIncrement) moves.set(table, column);
      },
      existingKeys: async (table, columns, keys) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        const found: ImportRow[] = [];
        for (let start = 0; start < keys.length; start += BATCH) {
          const params: MysqlValue[] = [];
          const values = await tuples(table, columns, keys.slice(start, start + BATCH), params);
          const sql = `SELECT ${names} FROM ${quoteIdent(table)} WHERE (${names}) IN (${values})`;
          found.push(...(await readKeys(columns, sql, params)));
        }
        return found;
      },
      ownKeys: async (source, columns, keys, tenant) => {
        const names = columns.map((c) => `t0.${quoteIdent(c.name)}`).join(', ');
        const [scope, tenantParams] = withTenantParameters(tenantScope(source), tenant);
        const where = source.kind === 'query' ? 'WHERE' : 'AND';
        const found: ImportRow[] = [];
        for (let start = 0; start < keys.length; start += BATCH) {
          const params: MysqlValue[] = [...tenantParams];
          const values = await tuples(
            source.table,
            columns,
            keys.slice(start, start + BATCH),
            params,
          );
          const sql = `SELECT ${names} FROM ${scope} ${where} (${names}) IN (${values})`;
          found.push(...(await readKeys(columns, sql, params)));
        }
        return found;
      },
      insert: async (table, columns, rows) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        let start = 0;
        while (start < rows.length) {
          const params: MysqlValue[] = [];
          let end = start;
          let bytes = 0;
          const tuplesText: string[] = [];
          while (end < rows.length && end - start < BATCH && bytes < STATEMENT_BYTES) {
            const before = params.length;
            const tuple = await tuples(table, columns, [rows[end]!], params);
            tuplesText.push(tuple);
            bytes += tuple.length + params.slice(before).reduce<number>((n, p) => n + sizeOf(p), 0);
            end += 1;
          }
          await run(
            `INSERT INTO ${quoteIdent(table)} (${names}) VALUES ${tuplesText.join(', ')}`,
            params,
          );
          start = end;
        }
      },
      update: async (table, columns, row, key, keyValues) => {
        const params: MysqlValue[] = [];
        const cells = async (cols: readonly ImportColumn[], values: ImportRow) => {
          const columnTypes = await types.of(table, cols);
          return cols.map((c, i) => {
            const value = toMysqlValue(c, columnTypes[i], values[i]!);
            const text = mysqlPlaceholder(c, value);
            if (text === '?') params.push(value);
            return `${quoteIdent(c.name)} = ${text}`;
          });
        };
        const set = (await cells(columns, row)).join(', ');
        const where = (await cells(key, keyValues)).join(' AND ');
        const result = await run(`UPDATE ${quoteIdent(table)} SET ${set} WHERE ${where}`, params);
        return (result as unknown as { affectedRows?: number }).affectedRows ?? 0;
      },
    };
  }
}

/** The value the table's AUTO_INCREMENT counter hands out next (1 when it has none). */
async function nextAutoIncrement(
  select: (sql: string, params: MysqlValue[]) => Promise<unknown[][]>,
  table: string,
): Promise<bigint> {
  const rows = await select(
    `SELECT AUTO_INCREMENT FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
    [table],
  );
  return integerOf(rows[0]?.[0]) ?? 1n;
}

/**
 * Sets each table's AUTO_INCREMENT counter past the largest key it holds, after
 * the commit (DDL would commit the transaction early). InnoDB has normally
 * moved it already, as rows with explicit keys were inserted.
 */
async function moveCounters(connection: mysql.PoolConnection, moves: CounterMoves): Promise<void> {
  for (const [table, column] of moves) {
    const [rows] = await connection.query({
      sql: `SELECT CAST(max(${quoteIdent(column)}) AS CHAR) FROM ${quoteIdent(table)}`,
      rowsAsArray: true,
    });
    const max = integerOf((rows as unknown[][])[0]?.[0]);
    if (max === null) continue;
    const past = max + 1n;
    const [next] = await connection.query({
      sql: `SELECT AUTO_INCREMENT FROM information_schema.TABLES
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
      values: [table],
      rowsAsArray: true,
    });
    const counter = integerOf((next as unknown[][])[0]?.[0]);
    if (counter !== null && counter >= past) continue;
    await connection.query(`ALTER TABLE ${quoteIdent(table)} AUTO_INCREMENT = ${past}`);
  }
}

/** An integer the server sent as a number or as text (`null` for NULL or nothing). */
function integerOf(value: unknown): bigint | null {
  if (typeof value === 'number' || typeof value === 'bigint') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  return null;
}

/** About how many bytes a parameter takes in the statement text. */
function sizeOf(value: MysqlValue): number {
  if (Buffer.isBuffer(value)) return value.length * 2 + 3;
  return typeof value === 'string' ? Buffer.byteLength(value) + 2 : 8;
}
