import type { CatalogField, CategorySource } from '../catalog/index.js';
import type { JsonValue } from '../formats/index.js';

/**
 * One column an import writes: a catalog field, whose type decides how its
 * JSON value is stored, or an excluded field (`field: null`) written with its
 * catalog `import_default` as is.
 */
export interface ImportColumn {
  readonly name: string;
  readonly field: CatalogField | null;
}

/** The rows an import writes or looks up, values in their JSON (bundle) form. */
export type ImportRow = readonly JsonValue[];

/**
 * The platform's database inside the one transaction of an import. Every
 * method takes values in their JSON form and stores them as the platform does
 * (the inverse of the export's value model).
 */
export interface PlatformTransaction {
  /**
   * Whether {@link insert} tells a row whose primary key the table holds
   * already ({@link ConstraintError.keyTaken}): the write pass then inserts
   * without looking the keys up first.
   */
  readonly tellsTakenKeys: boolean;
  /**
   * The largest value an integer key column of `table` holds or its sequence
   * has handed out (0 when none): the `count` values after it are free. With
   * `reserve`, the column's sequence (PostgreSQL serial or identity) is moved
   * past them, so that rows other writers insert meanwhile do not take them.
   */
  reserveKeys(table: string, column: string, count: number, reserve: boolean): Promise<bigint>;
  /** Moves the sequence of an integer key column past the largest value the column holds (none: nothing to do). */
  syncSequence(table: string, column: string): Promise<void>;
  /** Those of `keys` (values aligned with `columns`) present in `table`, whatever their tenant. */
  existingKeys(
    table: string,
    columns: readonly ImportColumn[],
    keys: readonly ImportRow[],
  ): Promise<ImportRow[]>;
  /**
   * Those of `keys` present among the rows of `tenant` in `source` (its table
   * scoped by its tenant column, its chain of references or its query).
   */
  ownKeys(
    source: CategorySource,
    columns: readonly ImportColumn[],
    keys: readonly ImportRow[],
    tenant: string,
  ): Promise<ImportRow[]>;
  /**
   * Inserts rows aligned with `columns`.
   * @throws {@link ConstraintError} when the database refuses a row.
   */
  insert(
    table: string,
    columns: readonly ImportColumn[],
    rows: readonly ImportRow[],
  ): Promise<void>;
  /**
   * Updates the row whose `key` columns hold `keyValues`; resolves to the rows changed (0 or 1).
   * @throws {@link ConstraintError} when the database refuses the change.
   */
  update(
    table: string,
    columns: readonly ImportColumn[],
    row: ImportRow,
    key: readonly ImportColumn[],
    keyValues: ImportRow,
  ): Promise<number>;
}

/** Options of {@link PlatformWriter.transaction}. */
export interface TransactionOptions {
  /** Commit when `work` resolves; otherwise roll back even then (a dry run). */
  readonly commit: boolean;
}

/**
 * A writable handle on the platform's database (the import target). An
 * import runs entirely inside one transaction: rolled back on any failure,
 * so a refused import leaves the database exactly as it was.
 */
export interface PlatformWriter {
  /** `sqlite`, `postgres` or `mysql`. */
  readonly dialect: string;
  /** Runs `work` in one transaction, committed or rolled back per `options`. */
  transaction<T>(
    work: (tx: PlatformTransaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T>;
  close(): Promise<void>;
}

/** The database refused a row (a unique, foreign-key or not-null constraint). */
export class ConstraintError extends Error {
  override readonly name = 'ConstraintError';

  /**
   * @param keyTaken - The refused row's primary key is held by a row already
   * there (only where the transaction {@link PlatformTransaction.tellsTakenKeys}).
   * @param row - Which of the rows given to {@link PlatformTransaction.insert}
   * was refused, from 0, where the database tells it; otherwise null.
   */
  constructor(
    message: string,
    readonly keyTaken = false,
    readonly row: number | null = null,
  ) {
    super(message);
  }
}
