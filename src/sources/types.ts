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
  /** Only the rows whose key lies in this range, in `orderBy` order. (Default: every row) */
  readonly range?: KeyRange;
}

/**
 * A range of primary keys, compared in the order a category is read (text keys
 * as bytes): the rows after `after` up to and including `through`. Key values
 * are text, as the database prints them; `null` leaves that end open.
 */
export interface KeyRange {
  readonly after: readonly string[] | null;
  readonly through: readonly string[] | null;
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
  /**
   * The key of every `every`-th row of one category (the `every`-th, the
   * `2·every`-th, …) in `read.orderBy` order, as text: where to cut it into
   * ranges of `every` rows. Only where {@link SourceDatabase.shared} is offered.
   */
  keyBoundaries?(read: Omit<CategoryRead, 'columns'>, every: number): Promise<string[][]>;
}

/**
 * Snapshots that other connections, in other processes, can read too
 * (PostgreSQL's `pg_export_snapshot()` and `SET TRANSACTION SNAPSHOT`), so that
 * one export can be read in pieces by several workers at one instant.
 */
export interface SharedSnapshots {
  /**
   * Runs `work` inside a snapshot that others can join by its `id` while
   * `work` runs; the snapshot ends with it.
   */
  exporting<T>(work: (snapshot: SourceSnapshot, id: string) => Promise<T>): Promise<T>;
  /**
   * Runs `work` inside the snapshot `id` exported by another connection.
   * @throws SnapshotGoneError when that snapshot has ended (its exporter is gone).
   */
  joining<T>(id: string, work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T>;
}

/** The platform's database, read by exports and checked by `portage check`. */
export interface SourceDatabase {
  /** `sqlite` or `postgres`. */
  readonly dialect: string;
  /** Runs `work` inside one consistent read snapshot, closed whatever happens. */
  withSnapshot<T>(work: (snapshot: SourceSnapshot) => Promise<T>): Promise<T>;
  /** Snapshots several processes can read at once; absent where the database has none. */
  readonly shared?: SharedSnapshots;
  /** Every table and column of the database (used by the drift check). */
  introspect(): Promise<SourceColumn[]>;
  /** Every table with its columns, keys and foreign keys (used to draft a catalog). */
  describeSchema(): Promise<SchemaDescription>;
  /** Resolves when the database answers; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One foreign key: `columns` of a table hold `keys` of `table`. */
export interface SchemaForeignKey {
  readonly columns: readonly string[];
  readonly table: string;
  readonly keys: readonly string[];
}

/** One column as the database declares it. */
export interface SchemaColumn {
  readonly name: string;
  /** The declared type, as the database prints it (`numeric(14,2)`, `timestamp with time zone`, `TEXT`). */
  readonly type: string;
  readonly nullable: boolean;
  /**
   * SQLite only, whose `INTEGER` columns declare no width: true when a value the
   * column holds now lies beyond ±(2^53−1), so a draft types it `bigint`.
   */
  readonly holdsWideIntegers?: boolean;
}

/** One table: its columns in order, its primary key and its foreign keys. */
export interface SchemaTable {
  readonly name: string;
  readonly columns: readonly SchemaColumn[];
  /** Empty when the table has none. */
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly SchemaForeignKey[];
}

/** What `portage catalog init` learns of a database: every table, sorted by name. */
export interface SchemaDescription {
  readonly dialect: string;
  readonly tables: readonly SchemaTable[];
}
