import { toError } from '../errors/index.js';
import type { ExportContext } from './export-context.js';

/**
 * Deletes the archives of exports past their retention and marks them
 * `expired`. The object goes first: an export is never `expired` while its
 * file still exists somewhere. Returns how many expired.
 */
export async function expireDue(
  ctx: Pick<ExportContext, 'store' | 'storage'>,
  now = new Date(),
): Promise<number> {
  let count = 0;
  for (const record of await ctx.store.lifecycle.due(now)) {
    try {
      if (record.storageKey !== null) await ctx.storage.delete(record.storageKey);
      if (await ctx.store.lifecycle.markExpired(record.id)) count++;
    } catch (error) {
      console.error(`expiring export ${record.id} failed, will retry:`, toError(error).message);
    }
  }
  return count;
}
