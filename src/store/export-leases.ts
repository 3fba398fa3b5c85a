import type { Kysely, UpdateObject } from 'kysely';
import { sql } from './kysely.js';
import { claimExport, type ClaimOptions, type ClaimResult, type Lease } from './claim-export.js';
import type { ExportRecord } from './export-record.js';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';
import { findStalledExports, type StalledExports } from './stalled-exports.js';
import type { StateDialect } from './state-db.js';

/** Progress figures a worker reports while it runs. */
export interface ProgressUpdate {
  readonly categoriesTotal: number;
  readonly categoriesDone: number;
  readonly rowsWritten: number;
  readonly bytesWritten: number;
}

/**
 * The export lifecycle seen from workers: claiming with a lease, renewing it,
 * and finishing — every write fenced, so a worker whose lease lapsed (or whose
 * export was canceled) can no longer change anything.
 */
export class ExportLeases {
  constructor(
    private readonly db: Kysely<StateDatabase>,
    private readonly dialect: StateDialect,
  ) {}

  /**
   * Claims the oldest runnable export — pending, or running with a lapsed lease —
   * whose tenant has fewer than its `maxRunning` exports running. An export whose
   * attempts are spent is failed instead. Returns null when there is none.
   */
  async claim(
    options: ClaimOptions,
    now = new Date(),
  ): Promise<{ lease: Lease; export: ExportRecord } | null> {
    const candidates = await this.db
      .selectFrom('exports')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', isoTime(now))]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(100)
      .execute();
    for (const candidate of candidates) {
      const result = await this.claimById(candidate.id, options, now);
      if (result.kind === 'claimed') return { lease: result.lease, export: result.export };
    }
    return null;
  }

  /**
   * Claims one given export (the one a queue job names), under the same rules
   * as {@link claim}: see {@link ClaimResult} for what else can happen.
   */
  async claimById(exportId: string, options: ClaimOptions, now = new Date()): Promise<ClaimResult> {
    return claimExport(this.db, this.dialect, exportId, options, now);
  }

  /**
   * What the reaper hands back to the queue: pending exports created before
   * `pendingBefore` and running ones whose lease lapsed; lapsed ones whose
   * attempts are spent are failed. (Default `limit`: 500)
   */
  async stalled(
    options: { maxAttempts: number; pendingBefore: Date; limit?: number },
    now = new Date(),
  ): Promise<StalledExports> {
    return findStalledExports(this.db, { limit: 500, ...options }, now);
  }

  /** Extends the lease; false when it was lost (lapsed and reclaimed, or canceled). */
  async renew(lease: Lease, leaseMs: number, now = new Date()): Promise<boolean> {
    return this.fencedUpdate(lease, {
      lease_expires_at: isoTime(new Date(now.getTime() + leaseMs)),
    });
  }

  /** Records progress; false when the lease was lost. */
  async progress(lease: Lease, p: ProgressUpdate): Promise<boolean> {
    return this.fencedUpdate(lease, {
      categories_total: p.categoriesTotal,
      categories_done: p.categoriesDone,
      rows_written: p.rowsWritten,
      bytes_written: p.bytesWritten,
    });
  }

  /** Marks the export completed with its published file; false when the lease was lost. */
  async complete(
    lease: Lease,
    result: {
      fileName: string;
      bytes: number;
      sha256: string;
      storageKey: string;
      retentionMs: number;
    },
    now = new Date(),
  ): Promise<boolean> {
    return this.fencedUpdate(lease, {
      status: 'completed',
      completed_at: isoTime(now),
      expires_at: isoTime(new Date(now.getTime() + result.retentionMs)),
      file_name: result.fileName,
      file_bytes: result.bytes,
      file_sha256: result.sha256,
      storage_key: result.storageKey,
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  /** Fails the export; it stops counting against the quota, since Portage failed it. */
  async fail(lease: Lease, code: string, message: string, now = new Date()): Promise<boolean> {
    return this.fencedUpdate(lease, {
      status: 'failed',
      completed_at: isoTime(now),
      error_code: code,
      error_message: message,
      charged: 0,
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  /** Gives a running export back to the queue (graceful shutdown); the attempt is not counted. */
  async release(lease: Lease): Promise<boolean> {
    // A running export was claimed at least once, so its attempts are at least 1.
    return this.fencedUpdate(lease, {
      status: 'pending',
      attempts: sql<number>`attempts - 1`,
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  private async fencedUpdate(
    lease: Lease,
    values: UpdateObject<StateDatabase, 'exports'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('exports')
      .set(values)
      .where('id', '=', lease.exportId)
      .where('fence', '=', lease.fence)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
