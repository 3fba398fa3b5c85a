import type { Kysely } from 'kysely';
import { exportUnderway, toExportRecord, type ExportRecord } from './export-record.js';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';

/** Client-driven and time-driven ends of an export: cancel, early delete, expiry. */
export class ExportLifecycle {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /**
   * Cancels a pending or running export (it becomes `failed` with code
   * `canceled` and still counts against the quota), or marks a completed one
   * `expired` so its file can be deleted. Bumping the fence makes a running
   * worker's next write fail, which stops it. Returns the new state and, for a
   * completed export, the storage key to delete; `changed` tells whether its state changed.
   */
  async cancelOrExpire(
    tenantId: string,
    id: string,
    now = new Date(),
  ): Promise<{ export: ExportRecord; deleteKey: string | null; changed: boolean } | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('exports')
        .selectAll()
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (row === undefined) return null;
      let deleteKey: string | null = null;
      if (exportUnderway(row.status)) {
        await trx
          .updateTable('exports')
          .set({
            status: 'failed',
            error_code: 'canceled',
            error_message: 'The export was canceled by a DELETE request.',
            completed_at: isoTime(now),
            lease_owner: null,
            lease_expires_at: null,
            fence: row.fence + 1,
          })
          .where('id', '=', id)
          .execute();
      } else if (row.status === 'completed') {
        deleteKey = row.storage_key;
        await trx
          .updateTable('exports')
          .set({ status: 'expired', expires_at: isoTime(now) })
          .where('id', '=', id)
          .execute();
      }
      const updated = await trx
        .selectFrom('exports')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { export: toExportRecord(updated), deleteKey, changed: updated.status !== row.status };
    });
  }

  /** Completed exports whose retention has run out by `now`. */
  async due(now = new Date(), limit = 100): Promise<ExportRecord[]> {
    const rows = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('status', '=', 'completed')
      .where('expires_at', '<=', isoTime(now))
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map(toExportRecord);
  }

  /** Marks a completed export expired; false if it was no longer completed. */
  async markExpired(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('exports')
      .set({ status: 'expired' })
      .where('id', '=', id)
      .where('status', '=', 'completed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
