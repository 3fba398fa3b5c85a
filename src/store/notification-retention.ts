import type { Kysely } from 'kysely';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';

/** Rows deleted per statement and transaction, so that no pass holds locks for long. (Default: 500) */
export const RETENTION_BATCH = 500;

/** What one {@link NotificationRetention.purge} deleted. */
export interface PurgedNotifications {
  readonly deliveries: number;
  readonly attempts: number;
  readonly events: number;
  readonly mails: number;
}

/**
 * Forgets notifications that ended long ago: webhook deliveries (with their
 * attempts) that succeeded or were given up, the events none of whose
 * deliveries is left, and mails sent, given up or skipped, along with the
 * address their export kept. A delivery or mail still pending is never
 * touched, however old.
 */
export class NotificationRetention {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /**
   * Deletes what was created before `cutoff`, `batch` rows at a time, each
   * batch in its own short transaction, until none is left.
   */
  async purge(cutoff: Date, batch = RETENTION_BATCH): Promise<PurgedNotifications> {
    const before = isoTime(cutoff);
    let deliveries = 0;
    let attempts = 0;
    let events = 0;
    let mails = 0;
    for (;;) {
      const ids = await this.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('created_at', '<', before)
        .where('status', '<>', 'pending')
        .limit(batch)
        .execute();
      if (ids.length === 0) break;
      const chosen = ids.map((r) => r.id);
      await this.db.transaction().execute(async (trx) => {
        const gone = await trx
          .deleteFrom('webhook_attempts')
          .where('delivery_id', 'in', chosen)
          .executeTakeFirst();
        attempts += Number(gone.numDeletedRows);
        const removed = await trx
          .deleteFrom('webhook_deliveries')
          .where('id', 'in', chosen)
          .where('status', '<>', 'pending')
          .executeTakeFirst();
        deliveries += Number(removed.numDeletedRows);
      });
      if (ids.length < batch) break;
    }
    for (;;) {
      const ids = await this.db
        .selectFrom('webhook_events as e')
        .select('e.id')
        .where('e.fanned_out', '=', 1)
        .where('e.created_at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('webhook_deliveries as d')
                .select('d.id')
                .whereRef('d.event_id', '=', 'e.id'),
            ),
          ),
        )
        .limit(batch)
        .execute();
      if (ids.length === 0) break;
      const removed = await this.db
        .deleteFrom('webhook_events')
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .executeTakeFirst();
      events += Number(removed.numDeletedRows);
      if (ids.length < batch) break;
    }
    for (;;) {
      const ids = await this.db
        .selectFrom('export_mails')
        .select('export_id')
        .where('created_at', '<', before)
        .where('status', '<>', 'pending')
        .limit(batch)
        .execute();
      if (ids.length === 0) break;
      const chosen = ids.map((r) => r.export_id);
      await this.db.transaction().execute(async (trx) => {
        // The address goes with its mail; with no address left, the export is
        // never queued for a mail again.
        await trx
          .updateTable('exports')
          .set({ notify_email: null, notify_base_url: null })
          .where('id', 'in', chosen)
          .execute();
        const removed = await trx
          .deleteFrom('export_mails')
          .where('export_id', 'in', chosen)
          .where('status', '<>', 'pending')
          .executeTakeFirst();
        mails += Number(removed.numDeletedRows);
      });
      if (ids.length < batch) break;
    }
    return { deliveries, attempts, events, mails };
  }
}
