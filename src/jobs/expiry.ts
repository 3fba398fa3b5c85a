import { toError } from '../errors/index.js';
import { exportUnderway, type ExportRecord } from '../store/index.js';
import type { ExportContext } from './export-context.js';
import { logExportState } from './lifecycle-log.js';
import { PIECES_PREFIX } from './split-plan.js';

/**
 * Deletes the archives of exports past their retention and marks them
 * `expired`. The object goes first: an export is never `expired` while its
 * file still exists somewhere. Returns how many expired.
 */
export async function expireDue(
  ctx: Pick<ExportContext, 'store' | 'storage' | 'log'>,
  now = new Date(),
): Promise<number> {
  let count = 0;
  for (const record of await ctx.store.lifecycle.due(now)) {
    try {
      if ((await expireIfDue(ctx, record, now)).status === 'expired') count++;
    } catch (error) {
      console.error(`expiring export ${record.id} failed, will retry:`, toError(error).message);
    }
  }
  return count;
}

/**
 * Expires this one export now if its retention ran out (deleting its archive
 * first), so that a read never shows a link to a deleted file between two
 * housekeeping passes. Returns the record as it now stands.
 */
export async function expireIfDue(
  ctx: Pick<ExportContext, 'store' | 'storage' | 'log'>,
  record: ExportRecord,
  now = new Date(),
): Promise<ExportRecord> {
  if (record.status !== 'completed' || record.expiresAt === null) return record;
  if (Date.parse(record.expiresAt) > now.getTime()) return record;
  if (record.storageKey !== null) await ctx.storage.delete(record.storageKey);
  await ctx.store.lifecycle.markExpired(record.id);
  await logExportState(ctx, record.id);
  return (await ctx.store.exports.getById(record.id)) ?? record;
}

/**
 * How long a temporary object may go unwritten before it is taken for a
 * crashed writer's and deleted: far longer than a lease, so a live export,
 * however slow, is never swept.
 */
export const TEMPORARY_MAX_AGE_MS = 24 * 3_600_000;

/**
 * The periodic tidy-up of a worker: expires archives past retention, deletes
 * the temporary objects of writers that died before they could discard them
 * and the pieces of split exports that ended (their coordinator deletes them,
 * unless it died first or a dead attempt's piece was written after), so a
 * failed export leaves nothing behind for long, and forgets webhook
 * deliveries and mails that ended more than
 * `PORTAGE_NOTIFICATION_RETENTION_DAYS` days before `now`.
 */
export async function housekeep(
  ctx: Pick<ExportContext, 'store' | 'storage' | 'log'> & {
    readonly settings: Pick<ExportContext['settings'], 'notificationRetentionDays'>;
  },
  now = new Date(),
): Promise<void> {
  const days = ctx.settings.notificationRetentionDays;
  await expireDue(ctx, now);
  const swept = await ctx.storage.sweepTemporary(TEMPORARY_MAX_AGE_MS);
  if (swept > 0) console.error(`housekeeping: deleted ${swept} abandoned temporary object(s)`);
  const pieces = await sweepPieces(ctx);
  if (pieces > 0) console.error(`housekeeping: deleted ${pieces} piece(s) of ended exports`);
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const purged = await ctx.store.notificationRetention.purge(cutoff);
  if (purged.deliveries + purged.events + purged.mails > 0) {
    console.error(
      `housekeeping: forgot ${purged.deliveries} webhook delivery(ies), ${purged.events} event(s) and ${purged.mails} mail(s) older than ${days} days`,
    );
  }
}

/**
 * Deletes the pieces of every export that is neither pending nor running (or
 * no longer known): none of its attempts will read them again. Returns how
 * many it deleted.
 */
async function sweepPieces(ctx: Pick<ExportContext, 'store' | 'storage'>): Promise<number> {
  const ended = new Map<string, boolean>();
  let swept = 0;
  for await (const key of ctx.storage.list(PIECES_PREFIX)) {
    const exportId = key.slice(PIECES_PREFIX.length).split('/')[0]!;
    let over = ended.get(exportId);
    if (over === undefined) {
      const record = await ctx.store.exports.getById(exportId);
      over = record === null || !exportUnderway(record.status);
      ended.set(exportId, over);
    }
    if (!over) continue;
    await ctx.storage.delete(key);
    swept += 1;
  }
  return swept;
}
