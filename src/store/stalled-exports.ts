import type { Kysely } from 'kysely';
import { failExhausted } from './fail-exhausted.js';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';

/** Exports that no worker is known to be running, as the reaper sees them. */
export interface StalledExports {
  /** Pending exports created before the cutoff: their announcement may have been lost. */
  readonly pending: readonly string[];
  /** Running exports whose lease lapsed: their worker died or hangs. */
  readonly lapsed: readonly string[];
  /** Lapsed exports whose attempts were spent: they have just been failed. */
  readonly failed: readonly string[];
}

/**
 * Finds what the reaper must hand back to the queue, and fails on the way
 * every lapsed export whose attempts are spent (fenced: a row claimed again
 * in between is left alone). At most `limit` of each kind, oldest first.
 */
export async function findStalledExports(
  db: Kysely<StateDatabase>,
  options: { maxAttempts: number; pendingBefore: Date; limit: number },
  now: Date,
): Promise<StalledExports> {
  const nowText = isoTime(now);
  const pending = await db
    .selectFrom('exports')
    .select('id')
    .where('status', '=', 'pending')
    .where('created_at', '<', isoTime(options.pendingBefore))
    .orderBy('created_at')
    .limit(options.limit)
    .execute();
  const lapsedRows = await db
    .selectFrom('exports')
    .select(['id', 'attempts', 'fence'])
    .where('status', '=', 'running')
    .where('lease_expires_at', '<', nowText)
    .orderBy('lease_expires_at')
    .limit(options.limit)
    .execute();
  const lapsed: string[] = [];
  const failed: string[] = [];
  for (const row of lapsedRows) {
    if (row.attempts < options.maxAttempts) {
      lapsed.push(row.id);
      continue;
    }
    if (await failExhausted(db, row, nowText)) failed.push(row.id);
  }
  return { pending: pending.map((r) => r.id), lapsed, failed };
}
