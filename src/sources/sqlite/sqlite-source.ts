import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { categoryCount, categorySelect, quoteIdent } from '../sql-text.js';
import { describeSqliteSchema } from './sqlite-schema.js';
import type {
  CategoryRead,
  RawValue,
  SchemaDescription,
  SourceColumn,
  SourceDatabase,
  SourceSnapshot,
} from '../types.js';

/** Rows handed over per batch: large enough to amortise, small enough to stay flat. */
const BATCH_ROWS = 1000;

/** The SQL function that gives a text value whose bytes are not UTF-8 as those bytes. */
const EXACT_TEXT = 'portage_exact_text';

/**
 * Each selected column, text read exactly: SQLite stores whatever bytes a
 * writer gave a TEXT value, and the driver would turn bytes that are not UTF-8
 * into U+FFFD without a word. Such a value reaches the value model as its
 * bytes instead: a `bytes` field carries them, a `string` or `json` field
 * fails naming category, field and row key.
 */
function exactText(column: string): string {
  return `CASE WHEN typeof(${column}) = 'text' THEN ${EXACT_TEXT}(CAST(${column} AS BLOB), ${column}) ELSE ${column} END`;
}

/**
 * Whether a value of the row read as text holds U+FFFD, as the driver's
 * decoding of bytes that are not UTF-8 does. A plain loop: it runs for every row.
 */
function undecoded(row: readonly RawValue[]): boolean {
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (typeof value === 'string' && value.includes('\uFFFD')) return true;
  }
  return false;
}

/** Opens a snapshot's connection, with the function {@link exactText} calls. */
function openSnapshotConnection(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.function(EXACT_TEXT, { deterministic: true }, (bytes: unknown, text: unknown) =>
    bytes instanceof Uint8Array && !isUtf8(bytes) ? bytes : text,
  );
  return db;
}

/**
 * A platform database in SQLite. Integers are read as `bigint` so that none
 * loses precision; a snapshot is one read transaction on a read-only handle.
 */
export class SqliteSource implements SourceDatabase {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;

  constructor(readonly file: string) {
    if (!existsSync(file)) throw new Error(`PORTAGE_SOURCE_URL: no SQLite database at ${file}`);
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  /**
   * Each snapshot reads through a connection of its own, so exports can run
   * side by side. However `work` ends, the reads it left open are ended
   * before the connection closes, and its own error is the one thrown.
   */
  async withSnapshot<T>(work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T> {
    const db = openSnapshotConnection(this.file);
    const open = new Set<IterableIterator<unknown>>();
    let result: T;
    try {
      db.pragma('busy_timeout = 5000');
      db.exec('BEGIN');
      // The snapshot starts at the first read: take it now, not at the first category.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      result = await work(snapshot(db, open));
    } catch (error) {
      closeQuietly(db, open);
      throw error;
    }
    for (const iterator of open) iterator.return?.();
    db.close();
    return result;
  }

  introspect(): Promise<SourceColumn[]> {
    const tables = this.db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    const columns: SourceColumn[] = [];
    for (const table of tables) {
      const info = this.db.prepare(`PRAGMA table_info(${quoteIdent(table)})`).all() as {
        name: string;
        type: string;
      }[];
      for (const c of info) columns.push({ table, column: c.name, type: c.type });
    }
    return Promise.resolve(columns);
  }

  describeSchema(): Promise<SchemaDescription> {
    return Promise.resolve(describeSqliteSchema(this.db));
  }

  ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/** Ends the reads still open and closes the connection, after `work` failed: its error wins. */
function closeQuietly(db: Database.Database, open: Set<IterableIterator<unknown>>): void {
  try {
    for (const iterator of open) iterator.return?.();
    db.close();
  } catch {
    // The connection goes with the process; the failure of `work` is what to report.
  }
}

/**
 * One snapshot's reads, through the connection holding its transaction. Each
 * read's iterator is in `open` until it ends, so that the snapshot can end it.
 */
function snapshot(db: Database.Database, open: Set<IterableIterator<unknown>>): SourceSnapshot {
  return {
    async *batches(read: CategoryRead) {
      const collate = (c: string) => `${c} COLLATE BINARY`;
      const run = (sql: string): IterableIterator<RawValue[]> => {
        const iterator = db
          .prepare(sql)
          .raw(true)
          .safeIntegers(true)
          .iterate({ tenant: read.tenant }) as IterableIterator<RawValue[]>;
        open.add(iterator);
        return iterator;
      };
      const close = (iterator: IterableIterator<RawValue[]>): void => {
        open.delete(iterator);
        iterator.return?.();
      };
      // Text is read as the driver decodes it, which puts U+FFFD where bytes
      // are not UTF-8. At the first value holding U+FFFD (rarely a real one),
      // the read starts again in the same snapshot with every text value
      // checked exactly ({@link exactText}, a call per value: slow), past the
      // rows already taken. Without an order, a second read might not meet the
      // rows in the same order: such a read is exact from the start.
      let exact = read.orderBy.length === 0;
      let iterator = run(categorySelect(read, collate, exact ? exactText : undefined));
      let taken = 0;
      let batch: RawValue[][] = [];
      try {
        for (;;) {
          let restart = false;
          for (const row of iterator) {
            if (!exact && undecoded(row)) {
              restart = true;
              break;
            }
            batch.push(row);
            taken++;
            if (batch.length === BATCH_ROWS) {
              yield batch;
              batch = [];
              await yieldToLoop();
            }
          }
          if (!restart) break;
          close(iterator);
          iterator = run(categorySelect(read, collate, exactText));
          exact = true;
          for (let skipped = 0; skipped < taken && iterator.next().done !== true; skipped++);
        }
        if (batch.length > 0) yield batch;
      } finally {
        close(iterator);
      }
    },
    count(read) {
      const row = db.prepare(categoryCount(read)).get({ tenant: read.tenant }) as { n: number };
      return Promise.resolve(Number(row.n));
    },
  };
}
