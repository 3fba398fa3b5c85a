import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Limits } from '../config/index.js';
import type { CsvOptions } from '../formats/types.js';
import { compiledOnce } from './compiled-once.js';
import { toExportRecord, type ExportRecord, type Purpose } from './export-record.js';
import { isoTime, newId } from './ids.js';
import type { StateDatabase } from './schema.js';
import type { StateDialect } from './state-db.js';
import { lockTenant } from './tenant-lock.js';

const DAY_MS = 86_400_000;
/** The rolling windows of SPEC §4, in the order they are checked. */
export const QUOTA_WINDOWS = [
  { name: 'day', seconds: 86_400, limit: (l: Limits) => l.perDay },
  { name: 'month', seconds: 30 * 86_400, limit: (l: Limits) => l.perMonth },
] as const;

/** What a client asked for, already validated. */
export interface ExportRequest {
  readonly tenantId: string;
  readonly purpose: Purpose;
  readonly formats: readonly string[];
  readonly categories: readonly string[];
  readonly csv: CsvOptions;
  readonly idempotencyKey: string | null;
  /** sha256 of the canonical request body, to tell a replay from a reuse. */
  readonly requestHash: string;
  /** Whom to mail when the export ends, and the base URL of the mail's link. (Default: no mail) */
  readonly notify?: { readonly email: string; readonly baseUrl: string } | null;
}

/** Where a tenant stands in one quota window. */
export interface QuotaState {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
  readonly remaining: number;
  /**
   * Seconds until the oldest export counted in this window leaves it, freeing
   * one slot (0 when none is counted; the whole window when the limit is 0).
   * While the quota is spent, that is when one more export is allowed.
   */
  readonly resetSeconds: number;
}

/** The outcome of a create: partial failure is expected, so it is a result, not a throw. */
export type CreateResult =
  | { readonly kind: 'created'; readonly export: ExportRecord; readonly quotas: QuotaState[] }
  | { readonly kind: 'replayed'; readonly export: ExportRecord }
  | { readonly kind: 'key_reused' }
  | { readonly kind: 'rate_limited'; readonly quotas: QuotaState[]; readonly retryAfter: number };

/** Creating, reading and listing exports, with quotas and idempotency. */
export class ExportStore {
  /** A tenant's export by id; built once, as every poll of an export reads it. */
  private readonly ofTenant: (
    tenantId: string,
    id: string,
  ) => Promise<Selectable<StateDatabase['exports']>[]>;

  constructor(
    private readonly db: Kysely<StateDatabase>,
    private readonly dialect: StateDialect,
  ) {
    this.ofTenant = compiledOnce(db, 2, (tenantId: string, id: string) =>
      db.selectFrom('exports').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId),
    );
  }

  /**
   * Creates a pending export unless the idempotency key replays an earlier one
   * or a quota is spent. Runs in one transaction holding the tenant's lock, so
   * that concurrent requests of a tenant — from any number of processes — are
   * counted exactly and an idempotency key creates one export.
   */
  async create(request: ExportRequest, limits: Limits, now = new Date()): Promise<CreateResult> {
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.dialect, request.tenantId);
      if (request.idempotencyKey !== null) {
        const earlier = await trx
          .selectFrom('exports')
          .selectAll()
          .where('tenant_id', '=', request.tenantId)
          .where('idempotency_key', '=', request.idempotencyKey)
          .executeTakeFirst();
        if (earlier !== undefined && Date.parse(earlier.created_at) > now.getTime() - DAY_MS) {
          if (earlier.request_hash !== request.requestHash) return { kind: 'key_reused' as const };
          return { kind: 'replayed' as const, export: toExportRecord(earlier) };
        }
        if (earlier !== undefined) {
          await trx
            .updateTable('exports')
            .set({ idempotency_key: null })
            .where('id', '=', earlier.id)
            .execute();
        }
      }
      const quotas = await quotaStates(trx, request.tenantId, limits, now);
      const spent = quotas.filter((q) => q.remaining <= 0);
      if (spent.length > 0) {
        const retryAfter = Math.max(...spent.map((q) => q.resetSeconds));
        return { kind: 'rate_limited' as const, quotas, retryAfter };
      }
      const row = {
        id: newId('exp_'),
        tenant_id: request.tenantId,
        status: 'pending',
        purpose: request.purpose,
        formats: JSON.stringify(request.formats),
        categories: JSON.stringify(request.categories),
        csv: JSON.stringify(request.csv),
        created_at: isoTime(now),
        idempotency_key: request.idempotencyKey,
        request_hash: request.requestHash,
        charged: 1,
        categories_total: request.categories.length,
        notify_email: request.notify?.email ?? null,
        notify_base_url: request.notify?.baseUrl ?? null,
      };
      await trx.insertInto('exports').values(row).execute();
      const created = await trx
        .selectFrom('exports')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      // The new export is counted now: a window that counted none frees it in a whole window.
      const after = quotas.map((q) => ({
        ...q,
        remaining: q.remaining - 1,
        resetSeconds: q.resetSeconds === 0 ? q.windowSeconds : q.resetSeconds,
      }));
      return { kind: 'created' as const, export: toExportRecord(created), quotas: after };
    });
  }

  /** Where a tenant stands in each quota window, for `RateLimit` headers. */
  async quotas(tenantId: string, limits: Limits, now = new Date()): Promise<QuotaState[]> {
    return quotaStates(this.db, tenantId, limits, now);
  }

  /** How many exports are in each status, across every tenant (for metrics). */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('exports')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** One export of a tenant; `null` for a missing id and for another tenant's. */
  async get(tenantId: string, id: string): Promise<ExportRecord | null> {
    const [row] = await this.ofTenant(tenantId, id);
    return row === undefined ? null : toExportRecord(row);
  }

  /** One export by id alone, for workers and signed downloads. */
  async getById(id: string): Promise<ExportRecord | null> {
    const row = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toExportRecord(row);
  }

  /** A page of a tenant's exports, newest first, after the cursor's position. */
  async list(
    tenantId: string,
    limit: number,
    after: { createdAt: string; id: string } | null,
  ): Promise<{ exports: ExportRecord[]; more: boolean }> {
    let query = this.db
      .selectFrom('exports')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (after !== null) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query.execute();
    return { exports: rows.slice(0, limit).map(toExportRecord), more: rows.length > limit };
  }
}

async function quotaStates(
  db: Kysely<StateDatabase> | Transaction<StateDatabase>,
  tenantId: string,
  limits: Limits,
  now: Date,
): Promise<QuotaState[]> {
  const states: QuotaState[] = [];
  for (const window of QUOTA_WINDOWS) {
    const limit = window.limit(limits);
    const since = isoTime(new Date(now.getTime() - window.seconds * 1000));
    const rows = await db
      .selectFrom('exports')
      .select('created_at')
      .where('tenant_id', '=', tenantId)
      .where('charged', '=', 1)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(Math.max(limit, 1))
      .execute();
    const used = rows.length;
    // The window frees a slot when its oldest counted export leaves it; once the
    // quota is spent, that is the `limit`-th newest, the last row read.
    const oldestCounted = limit > 0 && used > 0 ? rows[used - 1] : undefined;
    const resetSeconds =
      limit === 0
        ? window.seconds
        : oldestCounted === undefined
          ? 0
          : Math.max(
              1,
              Math.ceil(
                (Date.parse(oldestCounted.created_at) + window.seconds * 1000 - now.getTime()) /
                  1000,
              ),
            );
    states.push({
      name: window.name,
      limit,
      windowSeconds: window.seconds,
      remaining: Math.max(0, limit - used),
      resetSeconds,
    });
  }
  return states;
}
