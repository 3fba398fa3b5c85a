import type { DemoTable } from './demo-schema.js';

/**
 * One value of a generated row, as the generator writes it (SQLite's form):
 * text, a number, binary data for a `BLOB`/`bytea` column, or null.
 */
export type SeedValue = string | number | Buffer | null;

/** Rows per table for each tenant id, e.g. `counts.acme.tasks`. */
export type DemoCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Rows a platform derives from rows already stored (a search index), as SQL
 * run by the sink in one transaction: the same rows in either database.
 */
export interface DerivedRows {
  /** Statements for SQLite, each given `params` as `?` parameters. */
  readonly sqlite: readonly string[];
  /**
   * Statements for PostgreSQL, each given `params` as `$1`, `$2`, …
   * @param on - Renders a table name, qualified by the schema being built.
   */
  postgres(on: (table: string) => string): readonly string[];
  /** Statements for MySQL/MariaDB, each given `params` as `?` parameters (when it has any). */
  readonly mysql: readonly string[];
  readonly params: readonly SeedValue[];
}

/**
 * Where the generator's rows go: a database being built. Rows arrive in stages;
 * within a stage, rows of several tables interleave. `write` only queues a row,
 * so the generator stays synchronous between checks of `saturated`.
 */
export interface RowSink {
  /** Creates the platform's tables (and enum types), empty, without indexes. */
  open(): Promise<void>;
  /** Queues one row, its values in the table's column order. */
  write(table: DemoTable, values: readonly SeedValue[]): void;
  /** True when the queued rows should be handed over ({@link drain}) before writing more. */
  readonly saturated: boolean;
  /** Hands queued rows to the database, resolving once it accepts more. */
  drain(): Promise<void>;
  /** Ends a stage: every row written so far is stored and visible to queries. */
  flush(): Promise<void>;
  /** Stores what is written so far, then runs `rows` in one transaction. */
  derive(rows: DerivedRows): Promise<void>;
  /** Adds keys and indexes, then counts the rows of every table by tenant. */
  finish(): Promise<DemoCounts>;
  /** Makes the database visible where it was asked for, replacing what was there. */
  publish(): Promise<void>;
  /** Discards everything written; the target is left as it was. Never throws. */
  abort(): Promise<void>;
}
