import type { CategorySource } from '../catalog/index.js';

/** A raw value as a database driver returns it, before the catalog's type shapes it. */
export type RawValue = string | number | bigint | boolean | Buffer | Date | object | null;

/** One column of a table in the source database, as introspection sees it. */
export interface SourceColumn {
  readonly table: string;
  readonly column: string;
  readonly type: string;
}

/** What a read of one category selects: its source, columns and order. */
export interface CategoryRead {
  readonly source: CategorySource;
  /** Columns to select, in output order. */
  readonly columns: readonly string[];
  /** Columns to order by (the primary key), compared as bytes. */
  readonly orderBy: readonly string[];
  readonly tenant: string;
}

/**
 * One consistent, read-only view of the platform's data: every read made through
 * it sees the same instant (a single SQLite read transaction, or a PostgreSQL
 * `REPEATABLE READ READ ONLY` transaction).
 */
export interface SourceSnapshot {
  /**
   * Streams the rows of one category, in batches, each row an array aligned
   * with `read.columns`. The next batch is read only when the consumer asks.
   */
  batches(read: CategoryRead): AsyncIterable<readonly (readonly RawValue[])[]>;
  /** Counts the rows of one category (what `rows` would yield). */
  count(read: Omit<CategoryRead, 'columns' | 'orderBy'>): Promise<number>;
}

/** The platform's database, read by exports and checked by `portage check`. */
export interface SourceDatabase {
  /** `sqlite` or `postgres`. */
  readonly dialect: string;
  /** Runs `work` inside one consistent read snapshot, closed whatever happens. */
  withSnapshot<T>(work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T>;
  /** Every table and column of the database (used by the drift check). */
  introspect(): Promise<SourceColumn[]>;
  /** Resolves when the database answers; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
