import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Limits } from '../config/index.js';
import { ApiKeyStore, type NewKeyOptions } from './api-key-store.js';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';

/** A tenant: one customer account of the platform. */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  /** The tenant's own limits, overriding the defaults field by field. */
  readonly limits: Partial<Limits>;
}

/** Tenants, their API keys and Portage's shared secrets. */
export class TenantStore {
  private readonly keys: ApiKeyStore;

  constructor(private readonly db: Kysely<StateDatabase>) {
    this.keys = new ApiKeyStore(db);
  }

  /** Creates the tenant, or renames it if it exists; its limits are kept. */
  async upsert(id: string, name: string, now = new Date()): Promise<Tenant> {
    await this.db
      .insertInto('tenants')
      .values({ id, name, created_at: isoTime(now), limits: null })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name }))
      .execute();
    return (await this.get(id)) as Tenant;
  }

  async get(id: string): Promise<Tenant | null> {
    const row = await this.db
      .selectFrom('tenants')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      id: row.id,
      name: row.name,
      limits: row.limits ? (JSON.parse(row.limits) as Partial<Limits>) : {},
    };
  }

  /** Sets a tenant's own limits (fields left out fall back to the defaults). */
  async setLimits(id: string, limits: Partial<Limits>): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({ limits: JSON.stringify(limits) })
      .where('id', '=', id)
      .execute();
  }

  /** The limits in force for a tenant: its own, else `defaults`. */
  async limitsOf(id: string, defaults: Limits): Promise<Limits> {
    const tenant = await this.get(id);
    return { ...defaults, ...(tenant?.limits ?? {}) };
  }

  /**
   * Creates an API key for a tenant; the key is returned once and only its
   * hash is kept. (Lifecycle: {@link ApiKeyStore}.)
   */
  async createKey(tenantId: string, options: NewKeyOptions = {}): Promise<string> {
    if ((await this.get(tenantId)) === null) throw new Error(`Unknown tenant "${tenantId}"`);
    return (await this.keys.create(tenantId, options)).key;
  }

  /** The tenant a usable (known, unrevoked, unexpired) API key belongs to, or null. */
  async tenantForKey(key: string, now = new Date()): Promise<string | null> {
    const check = await this.keys.check(key, now);
    return check.ok ? check.tenant : null;
  }

  /**
   * A secret shared by every Portage process (such as the key that signs
   * download URLs): created once, then read back by all.
   */
  async secret(name: string, now = new Date()): Promise<Buffer> {
    await this.db
      .insertInto('secrets')
      .values({ name, value: randomBytes(32).toString('base64'), created_at: isoTime(now) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return Buffer.from(row.value, 'base64');
  }
}
