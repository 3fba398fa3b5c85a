import Database, { type Statement } from 'better-sqlite3';
import { compileConverter, type JsonValue } from '../formats/index.js';
import { quoteIdent, tenantScope } from '../sources/index.js';
import {
  ConstraintError,
  type ImportColumn,
  type ImportRow,
  type PlatformTransaction,
  type PlatformWriter,
  type TransactionOptions,
} from './platform-writer.js';
import { toSqliteValue } from './sqlite-values.js';

/** Keys looked up per statement (well under SQLite's bound-parameter limit). */
const LOOKUP_BATCH = 500;

/**
 * The platform's SQLite database as an import target: a connection of its
 * own, one `BEGIN IMMEDIATE` transaction per import (the write lock is taken
 * up front, so the checks and the writes see the same data).
 */
export class SqliteWriter implements PlatformWriter {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();

  /** Opens the existing database at `file` for writing. */
  constructor(readonly file: string) {
    this.db = new Database(file, { fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  async transaction<T>(
    work: (tx: PlatformTransaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this.tx());
      this.db.exec(options.commit ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }

  private tx(): PlatformTransaction {
    const lookup = (
      sql: (tuples: string) => string,
      columns: readonly ImportColumn[],
      keys: readonly ImportRow[],
      named: Record<string, string> | null,
    ): ImportRow[] => {
      const found: ImportRow[] = [];
      const converters = columns.map((c) => keyConverter(c));
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      for (let start = 0; start < keys.length; start += LOOKUP_BATCH) {
        const batch = keys.slice(start, start + LOOKUP_BATCH);
        const statement = this.prepare(sql(batch.map(() => tuple).join(', ')));
        const params = batch.flatMap((key) => key.map((v, i) => toSqliteValue(columns[i]!, v)));
        const rows = statement
          .raw(true)
          .safeIntegers(true)
          .all(...(named === null ? [params] : [params, named])) as unknown[][];
        for (const row of rows) found.push(row.map((v, i) => converters[i]!(v as never)));
      }
      return found;
    };
    return {
      tellsTakenKeys: false,
      // A rowid table hands out max(rowid) + 1 by itself, and an AUTOINCREMENT
      // one records in sqlite_sequence every larger key inserted: no sequence
      // needs moving, but an AUTOINCREMENT counter may be past the largest row.
      reserveKeys: (table, column) => {
        const max = this.prepare(`SELECT max(${quoteIdent(column)}) FROM ${quoteIdent(table)}`)
          .pluck()
          .safeIntegers(true)
          .get() as bigint | number | null;
        const counter = this.hasSequenceTable()
          ? (this.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?')
              .pluck()
              .safeIntegers(true)
              .get(table) as bigint | undefined)
          : undefined;
        const used = max === null ? 0n : BigInt(max);
        return Promise.resolve(counter !== undefined && counter > used ? counter : used);
      },
      syncSequence: () => Promise.resolve(),
      existingKeys: (table, columns, keys) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        return Promise.resolve(
          lookup(
            (tuples) =>
              `SELECT ${names} FROM ${quoteIdent(table)} WHERE (${names}) IN (VALUES ${tuples})`,
            columns,
            keys,
            null,
          ),
        );
      },
      ownKeys: (source, columns, keys, tenant) => {
        const names = columns.map((c) => `t0.${quoteIdent(c.name)}`).join(', ');
        const where = source.kind === 'query' ? 'WHERE' : 'AND';
        return Promise.resolve(
          lookup(
            (tuples) =>
              `SELECT ${names} FROM ${tenantScope(source)} ${where} (${names}) IN (VALUES ${tuples})`,
            columns,
            keys,
            { tenant },
          ),
        );
      },
      insert: (table, columns, rows) => {
        const names = columns.map((c) => quoteIdent(c.name)).join(', ');
        const sql = `INSERT INTO ${quoteIdent(table)} (${names}) VALUES (${columns.map(() => '?').join(', ')})`;
        const statement = this.prepare(sql);
        rows.forEach((row, at) => {
          guard(() => statement.run(row.map((v, i) => toSqliteValue(columns[i]!, v))), at);
        });
        return Promise.resolve();
      },
      update: (table, columns, row, key, keyValues) => {
        const set = columns.map((c) => `${quoteIdent(c.name)} = ?`).join(', ');
        const where = key.map((c) => `${quoteIdent(c.name)} = ?`).join(' AND ');
        const sql = `UPDATE ${quoteIdent(table)} SET ${set} WHERE ${where}`;
        const params = [
          ...row.map((v, i) => toSqliteValue(columns[i]!, v)),
          ...keyValues.map((v, i) => toSqliteValue(key[i]!, v)),
        ];
        return Promise.resolve(guard(() => this.prepare(sql).run(params)).changes);
      },
    };
  }

  private hasSequenceTable(): boolean {
    return (
      this.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
        .pluck()
        .get() === 1
    );
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function keyConverter(column: ImportColumn): (raw: unknown) => JsonValue {
  if (column.field === null) return (raw) => raw as JsonValue;
  const convert = compileConverter(column.field, column.name);
  return (raw) => convert(raw as never);
}

/** Runs a statement; a constraint's refusal as a {@link ConstraintError} (of the `row`-th row inserted). */
function guard<T>(run: () => T, row: number | null = null): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
      throw new ConstraintError(error.message, false, row);
    }
    throw error;
  }
}
