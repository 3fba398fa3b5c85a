import type { Kysely, Updateable } from 'kysely';
import type { Limits } from '../config/index.js';
import { toExportRecord, type ExportRecord } from './export-record.js';
import { isoTime } from './ids.js';
import type { ExportTable, StateDatabase } from './schema.js';

/** A worker's hold on a running export; writes succeed only while `fence` is current. */
export interface Lease {
  readonly exportId: string;
  readonly fence: number;
  readonly owner: string;
}

/** Progress figures a worker reports while it runs. */
export interface ProgressUpdate {
  readonly categoriesTotal: number;
  readonly categoriesDone: number;
  readonly rowsWritten: number;
  readonly bytesWritten: number;
}

/** Options of {@link ExportLeases.claim}. */
export interface ClaimOptions {
  readonly owner: string;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  /** Limits of a tenant (its own, or the defaults). */
  readonly limitsOf: (tenantId: string) => Promise<Limits>;
}

/**
 * The export lifecycle seen from workers: claiming with a lease, renewing it,
 * and finishing — every write fenced, so a worker whose lease lapsed (or whose
 * export was canceled) can no longer change anything.
 */
export class ExportLeases {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /**
   * Claims the oldest runnable export — pending, or running with a lapsed lease —
   * whose tenant has fewer than its `maxRunning` exports running. An export whose
   * attempts are spent is failed instead. Returns null when there is none.
   */
  async claim(
    options: ClaimOptions,
    now = new Date(),
  ): Promise<{ lease: Lease; export: ExportRecord } | null> {
    const nowText = isoTime(now);
    const candidates = await this.db
      .selectFrom('exports')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', nowText)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(100)
      .execute();
    for (const row of candidates) {
      if (row.attempts >= options.maxAttempts) {
        await this.db
          .updateTable('exports')
          .set({
            status: 'failed',
            error_code: 'attempts_exhausted',
            error_message: `The export was attempted ${row.attempts} times and its worker stopped each time before finishing (lease lapsed).`,
            completed_at: nowText,
            charged: 0,
            lease_owner: null,
            lease_expires_at: null,
            fence: row.fence + 1,
          })
          .where('id', '=', row.id)
          .where('fence', '=', row.fence)
          .execute();
        continue;
      }
      const limits = await options.limitsOf(row.tenant_id);
      const running = await this.db
        .selectFrom('exports')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', row.tenant_id)
        .where('status', '=', 'running')
        .where('lease_expires_at', '>=', nowText)
        .executeTakeFirstOrThrow();
      if (Number(running.n) >= limits.maxRunning) continue;
      const fence = row.fence + 1;
      const claimed = await this.db
        .updateTable('exports')
        .set({
          status: 'running',
          started_at: row.started_at ?? nowText,
          attempts: row.attempts + 1,
          lease_owner: options.owner,
          lease_expires_at: isoTime(new Date(now.getTime() + options.leaseMs)),
          fence,
        })
        .where('id', '=', row.id)
        .where('fence', '=', row.fence)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      const record = await this.db
        .selectFrom('exports')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      return {
        lease: { exportId: row.id, fence, owner: options.owner },
        export: toExportRecord(record),
      };
    }
    return null;
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
    const row = await this.db
      .selectFrom('exports')
      .select('attempts')
      .where('id', '=', lease.exportId)
      .executeTakeFirst();
    return this.fencedUpdate(lease, {
      status: 'pending',
      attempts: Math.max(0, (row?.attempts ?? 1) - 1),
      lease_owner: null,
      lease_expires_at: null,
    });
  }

  private async fencedUpdate(lease: Lease, values: Updateable<ExportTable>): Promise<boolean> {
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
