import type { Kysely } from 'kysely';
import type { StateDatabase } from './schema.js';

/** One finished export as the metrics count it. */
export interface FinishedExport {
  readonly purpose: string;
  readonly status: 'completed' | 'failed' | 'expired';
  /** Seconds from its start to its end; null when it never started (canceled while pending). */
  readonly seconds: number | null;
  readonly rows: number;
  readonly bytes: number;
  readonly code: string | null;
}

/** One finished import as the metrics count it. */
export interface FinishedImport {
  readonly mode: string;
  readonly status: 'completed' | 'failed';
  readonly seconds: number | null;
  readonly rows: number;
  readonly bytes: number;
  readonly code: string | null;
}

const seconds = (start: string | null, end: string | null): number | null =>
  start === null || end === null ? null : Math.max(0, (Date.parse(end) - Date.parse(start)) / 1000);

/**
 * What `/metrics` reads at each scrape: every finished export and import of
 * every process, from the shared state, so that the figures hold however many
 * workers run the jobs. Only the few columns the metrics need are read.
 */
export class JobStats {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /** Exports that ended: completed (or since expired) and failed ones. */
  async finishedExports(): Promise<FinishedExport[]> {
    const rows = await this.db
      .selectFrom('exports')
      .select([
        'purpose',
        'status',
        'started_at',
        'completed_at',
        'rows_written',
        'bytes_written',
        'file_bytes',
        'error_code',
      ])
      .where('status', 'in', ['completed', 'failed', 'expired'])
      .execute();
    return rows.map((r) => ({
      purpose: r.purpose,
      status: r.status as FinishedExport['status'],
      seconds: seconds(r.started_at, r.completed_at),
      rows: Number(r.rows_written),
      bytes: Number(r.file_bytes ?? r.bytes_written),
      code: r.error_code,
    }));
  }

  /** Imports that ended, completed or failed. */
  async finishedImports(): Promise<FinishedImport[]> {
    const rows = await this.db
      .selectFrom('imports')
      .select([
        'mode',
        'status',
        'started_at',
        'completed_at',
        'counts',
        'upload_bytes',
        'error_code',
      ])
      .where('status', 'in', ['completed', 'failed'])
      .execute();
    return rows.map((r) => ({
      mode: r.mode,
      status: r.status as FinishedImport['status'],
      seconds: seconds(r.started_at, r.completed_at),
      rows: Object.values(JSON.parse(r.counts) as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      ),
      bytes: Number(r.upload_bytes),
      code: r.error_code,
    }));
  }
}
