import type { CsvOptions, EncodedFormat } from '../formats/index.js';
import type { KeyRange } from '../sources/index.js';

/** One piece of a split export: a key range of one category in one format, read in a shared snapshot. */
export interface PieceJobData {
  readonly exportId: string;
  /** The export attempt's fence: a piece of an attempt that has ended is not written. */
  readonly fence: number;
  /** The coordinator's exported snapshot (`pg_export_snapshot()`). */
  readonly snapshotId: string;
  /** Written into the piece; the assembler accepts only its own. */
  readonly stamp: string;
  readonly tenant: string;
  readonly category: string;
  readonly format: EncodedFormat;
  readonly csv: CsvOptions;
  readonly canonical: boolean;
  readonly range: KeyRange;
  /** The object store key the piece is written under (a rerun overwrites it). */
  readonly key: string;
}

/** How a piece's job ended, as its worker reports it. */
export type PieceOutcome =
  | { readonly kind: 'done'; readonly rows: number }
  /** Its snapshot is gone: the coordinator that held it ended. */
  | { readonly kind: 'gone' }
  /** Its export attempt is over (canceled, or taken over by another coordinator). */
  | { readonly kind: 'stale' }
  /** The data refused (a value out of range): the export fails with this error. */
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/** Where a piece's job stands. */
export type PieceState =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'ended'; readonly outcome: PieceOutcome }
  /** The queue gave up on it (its retries are spent), with the last error. */
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The queue that carries piece jobs to every worker process (pg-boss), for a
 * coordinator that splits an export. Each job is retried by the queue when
 * its worker fails or dies (its job expires).
 */
export interface PieceQueue {
  /** Sends one job per piece; resolves with their ids, in order. */
  send(pieces: readonly PieceJobData[]): Promise<string[]>;
  /** Where each job stands, in the order of `ids`. */
  states(ids: readonly string[]): Promise<PieceState[]>;
  /** Drops the jobs not yet taken (the export ended without them). */
  cancel(ids: readonly string[]): Promise<void>;
}
