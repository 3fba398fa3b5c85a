import type { DemoTable } from './schema.js';

/** One value of a generated row, as the generator writes it (SQLite's form). */
export type SeedValue = string | number | null;

/** Rows per table for each tenant id, e.g. `counts.acme.tasks`. */
export type DemoCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Where the generator's rows go: a database being built. Rows arrive in stages;
 * within a stage, rows of several tables interleave. `write` only queues a row,
 * so the generator stays synchronous between checks of `saturated`.
 */
export interface RowSink {
  /** Creates the demo tables, empty, without indexes. */
  open(): Promise<void>;
  /** Queues one row, its values in the table's column order. */
  write(table: DemoTable, values: readonly SeedValue[]): void;
  /** True when the queued rows should be handed over ({@link drain}) before writing more. */
  readonly saturated: boolean;
  /** Hands queued rows to the database, resolving once it accepts more. */
  drain(): Promise<void>;
  /** Ends a stage: every row written so far is stored and visible to queries. */
  flush(): Promise<void>;
  /**
   * Fills `search_index` from the stored tasks and comments: one row per live
   * task, then one per live comment, each in id order, ids counting from 1.
   */
  deriveSearchIndex(indexedAt: string): Promise<void>;
  /** Adds keys and indexes, then counts the rows of every table by tenant. */
  finish(): Promise<DemoCounts>;
  /** Makes the database visible where it was asked for, replacing what was there. */
  publish(): Promise<void>;
  /** Discards everything written; the target is left as it was. Never throws. */
  abort(): Promise<void>;
}
