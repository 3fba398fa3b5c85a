import type { Kysely, RawBuilder } from 'kysely';
import { PostgresAdapter, sql } from './kysely.js';
import type { StateDatabase } from './schema.js';

/**
 * The finished exports (or imports) of one kind — one purpose (or mode), one
 * outcome, one error code — summed up.
 */
export interface JobTotals {
  /** The export's purpose, or the import's mode. */
  readonly kind: string;
  /** `failed`, or `completed` (an export since expired counts as completed). */
  readonly outcome: 'completed' | 'failed';
  /** The error code of failed ones; null for completed ones. */
  readonly code: string | null;
  readonly count: number;
  readonly rows: number;
  /** Archive bytes of exports; upload bytes of imports. */
  readonly bytes: number;
  /** How many had a start and an end (a job canceled while pending has no duration). */
  readonly timed: number;
  /** Their durations summed, in seconds. */
  readonly seconds: number;
  /** For each bound asked for, in order: how many took at most that many seconds. */
  readonly within: readonly number[];
}

interface TotalsRow {
  kind: string;
  outcome: string;
  code: string | null;
  count: number | string;
  rows: number | string | null;
  bytes: number | string | null;
  timed: number | string;
  seconds: number | string | null;
  [bound: `within_${number}`]: number | string | null;
}

/**
 * What `/metrics` reads at each scrape: the finished exports and imports of
 * every process, summed up by the database, so that the figures hold however
 * many workers ran the jobs and a scrape costs a few rows whatever the
 * history's length.
 */
export class JobStats {
  readonly #postgres: boolean;

  constructor(private readonly db: Kysely<StateDatabase>) {
    this.#postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Exports that ended, completed (or since expired) and failed, by purpose. */
  async exportTotals(bounds: readonly number[]): Promise<JobTotals[]> {
    return this.totals(
      sql`select purpose as kind, status, error_code,
          rows_written as row_count, coalesce(file_bytes, bytes_written) as byte_count,
          ${this.seconds()} as secs
        from exports where status in ('completed', 'failed', 'expired')`,
      bounds,
    );
  }

  /** Imports that ended, completed or failed, by mode. */
  async importTotals(bounds: readonly number[]): Promise<JobTotals[]> {
    const rows = this.#postgres
      ? sql`(select coalesce(sum(value::numeric), 0) from json_each_text(counts::json))`
      : sql`(select coalesce(sum(value), 0) from json_each(counts))`;
    return this.totals(
      sql`select mode as kind, status, error_code,
          ${rows} as row_count, upload_bytes as byte_count, ${this.seconds()} as secs
        from imports where status in ('completed', 'failed')`,
      bounds,
    );
  }

  /** A job's duration in seconds, from its RFC 3339 start and end; null unless both are set. */
  private seconds(): RawBuilder<number | null> {
    return this.#postgres
      ? sql`extract(epoch from (completed_at::timestamptz - started_at::timestamptz))`
      : sql`(unixepoch(completed_at, 'subsec') - unixepoch(started_at, 'subsec'))`;
  }

  private async totals(jobs: RawBuilder<unknown>, bounds: readonly number[]): Promise<JobTotals[]> {
    const within = bounds.map(
      (bound, i) =>
        sql`sum(case when secs <= ${sql.lit(bound)} then 1 else 0 end) as ${sql.ref(`within_${i}`)}`,
    );
    const outcome = sql`case when status = 'failed' then 'failed' else 'completed' end`;
    const result = await sql<TotalsRow>`
      select kind, ${outcome} as outcome, error_code as code, count(*) as count,
        sum(row_count) as rows, sum(byte_count) as bytes,
        count(secs) as timed, sum(case when secs < 0 then 0 else secs end) as seconds
        ${within.length > 0 ? sql`, ${sql.join(within)}` : sql``}
      from (${jobs}) as jobs
      group by kind, ${outcome}, error_code
      order by kind, outcome, code`.execute(this.db);
    return result.rows.map((row) => ({
      kind: row.kind,
      outcome: row.outcome === 'failed' ? 'failed' : 'completed',
      code: row.code,
      count: Number(row.count),
      rows: Number(row.rows ?? 0),
      bytes: Number(row.bytes ?? 0),
      timed: Number(row.timed),
      seconds: Number(row.seconds ?? 0),
      within: bounds.map((_, i) => Number(row[`within_${i}`] ?? 0)),
    }));
  }
}
