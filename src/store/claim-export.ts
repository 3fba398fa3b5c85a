import type { Kysely } from 'kysely';
import type { Limits } from '../config/index.js';
import { toExportRecord, type ExportRecord } from './export-record.js';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';
import type { StateDialect } from './state-db.js';
import { failExhausted } from './fail-exhausted.js';
import { lockTenant } from './tenant-lock.js';

/** A worker's hold on a running export; writes succeed only while `fence` is current. */
export interface Lease {
  readonly exportId: string;
  readonly fence: number;
  readonly owner: string;
}

/** Options of a claim. */
export interface ClaimOptions {
  readonly owner: string;
  readonly leaseMs: number;
  /** Attempts after which a lapsed export is failed rather than claimed again. */
  readonly maxAttempts: number;
  /** Limits of a tenant (its own, or the defaults). */
  readonly limitsOf: (tenantId: string) => Promise<Limits>;
}

/**
 * The outcome of claiming one export: `claimed` with its lease; `busy` when its
 * tenant already runs `maxRunning` exports (try again later); `held` while
 * another worker's lease on it is live; `exhausted` when its attempts were
 * spent, so it was failed instead; `gone` when it is missing or finished.
 */
export type ClaimResult =
  | { readonly kind: 'claimed'; readonly lease: Lease; readonly export: ExportRecord }
  | { readonly kind: 'busy' | 'held' | 'exhausted' | 'gone' };

/**
 * Claims one export — pending, or running with a lapsed lease — in one
 * transaction that holds the tenant's lock, so that the count of the tenant's
 * running exports and the claim are one step even across processes. The
 * update is fenced as well: of two claims of the same row, one wins.
 */
export async function claimExport(
  db: Kysely<StateDatabase>,
  dialect: StateDialect,
  exportId: string,
  options: ClaimOptions,
  now: Date,
): Promise<ClaimResult> {
  const peek = await db
    .selectFrom('exports')
    .select('tenant_id')
    .where('id', '=', exportId)
    .executeTakeFirst();
  if (peek === undefined) return { kind: 'gone' };
  const limits = await options.limitsOf(peek.tenant_id);
  const nowText = isoTime(now);
  return db.transaction().execute(async (trx): Promise<ClaimResult> => {
    await lockTenant(trx, dialect, peek.tenant_id);
    const row = await trx
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', exportId)
      .executeTakeFirst();
    if (row === undefined) return { kind: 'gone' };
    if (row.status === 'running' && (row.lease_expires_at ?? '') >= nowText)
      return { kind: 'held' };
    if (row.status !== 'pending' && row.status !== 'running') return { kind: 'gone' };
    if (row.attempts >= options.maxAttempts) {
      await failExhausted(trx, row, nowText);
      return { kind: 'exhausted' };
    }
    const running = await trx
      .selectFrom('exports')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', row.tenant_id)
      .where('status', '=', 'running')
      .where('lease_expires_at', '>=', nowText)
      .executeTakeFirstOrThrow();
    if (Number(running.n) >= limits.maxRunning) return { kind: 'busy' };
    const fence = row.fence + 1;
    const claimed = await trx
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
    if (Number(claimed.numUpdatedRows) !== 1) return { kind: 'held' };
    const record = await trx
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    return {
      kind: 'claimed',
      lease: { exportId: row.id, fence, owner: options.owner },
      export: toExportRecord(record),
    };
  });
}
