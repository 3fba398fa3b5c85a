import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { QuotaState } from './export-store.js';
import type { StateDialect } from './state-db.js';
import { lockTenant } from './tenant-lock.js';
import { isoTime, newId } from './ids.js';
import type { ImportTable, StateDatabase } from './schema.js';

/** The statuses of an import; exactly these names. */
export type ImportStatus = 'pending' | 'running' | 'completed' | 'failed';

/** An import as Portage keeps it. */
export interface ImportRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly status: ImportStatus;
  readonly mode: 'preserve' | 'remap';
  readonly dryRun: boolean;
  /** Whether the bundle's origin was proven; an untrusted one writes no platform-owned data. */
  readonly trusted: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  /** The object-store key of the uploaded archive (an absolute path: a local file, from before). */
  readonly uploadKey: string;
  readonly uploadBytes: number;
  /** How many times a process has started it. */
  readonly attempts: number;
  readonly counts: Record<string, number>;
  /** Keys the tenant already holds, each named by its category (a key of several fields is an array). */
  readonly conflicts: readonly { readonly category: string; readonly key: unknown }[];
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** What an import ends with, as the imports table records it. */
export interface ImportOutcome {
  readonly status: 'completed' | 'failed';
  /** Whether the bundle was trusted. (Default: unchanged) */
  readonly trusted?: boolean;
  readonly counts: Record<string, number>;
  readonly conflicts: ImportRecord['conflicts'];
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** What {@link ImportStore.claimWithin} found. */
export type ImportClaim =
  | { readonly kind: 'claimed'; readonly record: ImportRecord }
  | { readonly kind: 'busy' }
  | { readonly kind: 'gone' };

/** What {@link ImportStore.create} records. */
interface NewImport {
  readonly id: string;
  readonly tenantId: string;
  readonly mode: ImportRecord['mode'];
  readonly dryRun: boolean;
  /** (Default: false) */
  readonly trusted?: boolean;
  readonly uploadKey: string;
  readonly uploadBytes: number;
}

function newImportRow(input: NewImport, now: Date): Insertable<ImportTable> {
  return {
    id: input.id,
    tenant_id: input.tenantId,
    status: 'pending',
    mode: input.mode,
    dry_run: input.dryRun ? 1 : 0,
    trusted: input.trusted === true ? 1 : 0,
    created_at: isoTime(now),
    upload_key: input.uploadKey,
    upload_path: input.uploadKey,
    attempts: 0,
    upload_bytes: input.uploadBytes,
    counts: '{}',
    conflicts: '[]',
  };
}

const DAY_SECONDS = 86_400;

async function importQuota(
  db: Kysely<StateDatabase> | Transaction<StateDatabase>,
  tenantId: string,
  perDay: number,
  now: Date,
): Promise<QuotaState> {
  const since = isoTime(new Date(now.getTime() - DAY_SECONDS * 1000));
  const rows = await db
    .selectFrom('imports')
    .select('created_at')
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .limit(Math.max(perDay, 1))
    .execute();
  const used = rows.length;
  const oldest = perDay > 0 && used > 0 ? rows[used - 1] : undefined;
  const resetSeconds =
    perDay === 0
      ? DAY_SECONDS
      : oldest === undefined
        ? 0
        : Math.max(
            1,
            Math.ceil((Date.parse(oldest.created_at) + DAY_SECONDS * 1000 - now.getTime()) / 1000),
          );
  return {
    name: 'imports-day',
    limit: perDay,
    windowSeconds: DAY_SECONDS,
    remaining: Math.max(0, perDay - used),
    resetSeconds,
  };
}

function toImportRecord(row: Selectable<ImportTable>): ImportRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status as ImportStatus,
    mode: row.mode as ImportRecord['mode'],
    dryRun: Number(row.dry_run) === 1,
    trusted: Number(row.trusted) === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    uploadKey: row.upload_key ?? row.upload_path,
    uploadBytes: Number(row.upload_bytes),
    attempts: Number(row.attempts),
    counts: JSON.parse(row.counts) as Record<string, number>,
    conflicts: readConflicts(row.conflicts),
    error:
      row.error_code !== null ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

/** The stored conflicts; those recorded before keys were named one by one (`{category, ids, count}`) are listed key by key. */
function readConflicts(text: string): ImportRecord['conflicts'] {
  const stored = JSON.parse(text) as { category: string; key?: unknown; ids?: unknown[] }[];
  return stored.flatMap((c) =>
    c.ids !== undefined
      ? c.ids.map((key) => ({ category: c.category, key }))
      : [{ category: c.category, key: c.key }],
  );
}

/** Imports: created on upload, run once, finished with counts, conflicts or an error. */
export class ImportStore {
  constructor(
    private readonly db: Kysely<StateDatabase>,
    private readonly dialect: StateDialect,
  ) {}

  /**
   * Where a tenant stands in its daily import quota (`perDay` imports per
   * rolling 24 hours); every import created counts, whatever became of it.
   */
  async quota(tenantId: string, perDay: number, now = new Date()): Promise<QuotaState> {
    return importQuota(this.db, tenantId, perDay, now);
  }

  /**
   * Records a pending import unless the tenant's daily quota is spent (then
   * null), in one transaction holding the tenant's lock, so that concurrent
   * uploads from any number of processes are counted exactly.
   */
  async createWithinQuota(
    input: Parameters<ImportStore['create']>[0],
    perDay: number,
    now = new Date(),
  ): Promise<ImportRecord | null> {
    const created = await this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.dialect, input.tenantId);
      const quota = await importQuota(trx, input.tenantId, perDay, now);
      if (quota.remaining <= 0) return false;
      await trx.insertInto('imports').values(newImportRow(input, now)).execute();
      return true;
    });
    return created ? this.getById(input.id) : null;
  }

  /** A fresh id for an upload, before its row exists. */
  newId(): string {
    return newId('imp_');
  }

  /** Records a pending import of an uploaded archive. */
  async create(input: NewImport, now = new Date()): Promise<ImportRecord> {
    await this.db.insertInto('imports').values(newImportRow(input, now)).execute();
    return (await this.getById(input.id)) as ImportRecord;
  }

  /** How many imports are in each status, across every tenant (for metrics). */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('imports')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** One import of a tenant; null for a missing id and for another tenant's. */
  async get(tenantId: string, id: string): Promise<ImportRecord | null> {
    const row = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row === undefined ? null : toImportRecord(row);
  }

  async getById(id: string): Promise<ImportRecord | null> {
    const row = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toImportRecord(row);
  }

  /**
   * Imports a process may take: pending ones, and running ones whose process
   * stopped renewing its lease (it died or lost the database), oldest first.
   */
  async claimable(now = new Date()): Promise<ImportRecord[]> {
    const rows = await this.db
      .selectFrom('imports')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', isoTime(now))]),
        ]),
      )
      .orderBy('created_at')
      .execute();
    return rows.map(toImportRecord);
  }

  /**
   * Takes an import for `owner` until `leaseMs` from now, counting an attempt,
   * if it is pending or its lease has lapsed; null when another process has it
   * or it has finished. Exactly one of several processes claiming at once wins.
   */
  async claim(
    id: string,
    owner: string,
    leaseMs: number,
    now = new Date(),
  ): Promise<ImportRecord | null> {
    const result = await this.db
      .updateTable('imports')
      .set((eb) => ({
        status: 'running',
        started_at: eb.fn.coalesce('started_at', eb.val(isoTime(now))),
        lease_owner: owner,
        lease_expires_at: isoTime(new Date(now.getTime() + leaseMs)),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', isoTime(now))]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? this.getById(id) : null;
  }

  /**
   * Like {@link ImportStore.claim}, but only while the import's tenant has
   * fewer than `maxRunning` imports running (under a live lease) in any
   * process: `busy` when it has that many (the import stays pending), `gone`
   * when another process has it or it has finished. The count and the claim
   * are one transaction holding the tenant's import lock, so processes
   * claiming at once never exceed the cap.
   */
  async claimWithin(
    id: string,
    owner: string,
    leaseMs: number,
    maxRunning: number,
    now = new Date(),
  ): Promise<ImportClaim> {
    const at = isoTime(now);
    return this.db.transaction().execute(async (trx): Promise<ImportClaim> => {
      const row = await trx
        .selectFrom('imports')
        .select('tenant_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return { kind: 'gone' };
      await lockTenant(trx, this.dialect, `imports:${row.tenant_id}`);
      const running = await trx
        .selectFrom('imports')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('tenant_id', '=', row.tenant_id)
        .where('status', '=', 'running')
        .where('lease_expires_at', '>=', at)
        .where('id', '!=', id)
        .executeTakeFirstOrThrow();
      if (Number(running.n) >= maxRunning) return { kind: 'busy' };
      const result = await trx
        .updateTable('imports')
        .set((eb) => ({
          status: 'running',
          started_at: eb.fn.coalesce('started_at', eb.val(at)),
          lease_owner: owner,
          lease_expires_at: isoTime(new Date(now.getTime() + leaseMs)),
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'pending'),
            eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', at)]),
          ]),
        )
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return { kind: 'gone' };
      const claimed = await trx
        .selectFrom('imports')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { kind: 'claimed', record: toImportRecord(claimed) };
    });
  }

  /** Extends `owner`'s lease; false when it lost the import meanwhile. */
  async renew(id: string, owner: string, leaseMs: number, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('imports')
      .set({ lease_expires_at: isoTime(new Date(now.getTime() + leaseMs)) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Records the outcome of an import run by `owner` (or, with `owner` null,
   * of an import nobody holds: one whose attempts are spent); false, writing
   * nothing, when the import is no longer `owner`'s to finish.
   */
  async finish(
    id: string,
    owner: string | null,
    outcome: ImportOutcome,
    now = new Date(),
  ): Promise<boolean> {
    let update = this.db
      .updateTable('imports')
      .set({
        status: outcome.status,
        completed_at: isoTime(now),
        lease_owner: null,
        lease_expires_at: null,
        counts: JSON.stringify(outcome.counts),
        conflicts: JSON.stringify(outcome.conflicts),
        ...(outcome.trusted !== undefined && { trusted: outcome.trusted ? 1 : 0 }),
        error_code: outcome.error?.code ?? null,
        error_message: outcome.error?.message ?? null,
      })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'running']);
    update =
      owner === null
        ? update.where((eb) =>
            eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', isoTime(now))]),
          )
        : update.where('lease_owner', '=', owner);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
