import type { Kysely } from 'kysely';
import { compiledOnce } from './compiled-once.js';
import { hashApiKey, isoTime, newApiKey, newId } from './ids.js';
import type { StateDatabase } from './schema.js';

/** Characters of a key kept in clear, `ptg_` included, to recognise it by. */
const PREFIX_LENGTH = 12;

/**
 * How stale `last_used_at` may grow: a request writes it only when it is
 * older than this, so a busy key costs at most one write a minute.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** What `portage keys list` shows of a key; never the key itself. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly tenant: string;
  /** `ptg_` and the next 8 characters; null for keys made before prefixes were kept. */
  readonly prefix: string | null;
  readonly label: string | null;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  /** `revoked` wins over `expired`. */
  readonly status: 'active' | 'expired' | 'revoked';
}

/** Options of {@link ApiKeyStore.create}. */
export interface NewKeyOptions {
  /** When the key stops working. (Default: never) */
  readonly expiresAt?: Date;
  /** A mark of who made it, such as `demo`. (Default: none) */
  readonly label?: string;
  /** The creation time. (Default: now) */
  readonly now?: Date;
}

/** The outcome of presenting a key: the tenant it authorises, or why not. */
export type KeyCheck =
  | { readonly ok: true; readonly tenant: string; readonly keyId: string }
  | { readonly ok: false; readonly reason: 'unknown' }
  | { readonly ok: false; readonly reason: 'revoked' | 'expired'; readonly at: string };

type KeyRow = StateDatabase['api_keys'];

/**
 * Tenants' API keys: created with an optional expiry, listed, revoked, and
 * checked on every request. Nothing is cached: each check reads the key's row,
 * so a revocation or an expiry holds from the next request in every process.
 */
export class ApiKeyStore {
  /** The row of a key hash; built once, as every request checks a key. */
  private readonly byHash: (keyHash: string) => Promise<KeyRow[]>;

  constructor(private readonly db: Kysely<StateDatabase>) {
    this.byHash = compiledOnce(db, 1, (keyHash: string) =>
      db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash),
    );
  }

  /** Creates a key for an existing tenant; the key is returned once and only its hash is kept. */
  async create(
    tenantId: string,
    options: NewKeyOptions = {},
  ): Promise<{ readonly key: string; readonly info: ApiKeyInfo }> {
    const now = options.now ?? new Date();
    const key = newApiKey();
    const row: KeyRow = {
      id: newId('key_'),
      tenant_id: tenantId,
      key_hash: hashApiKey(key),
      created_at: isoTime(now),
      prefix: key.slice(0, PREFIX_LENGTH),
      label: options.label ?? null,
      expires_at: options.expiresAt === undefined ? null : isoTime(options.expiresAt),
      revoked_at: null,
      last_used_at: null,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return { key, info: keyInfo(row, now) };
  }

  /**
   * Checks a presented key at `now`, and records its use when `last_used_at`
   * is older than {@link LAST_USED_RESOLUTION_MS}.
   */
  async check(key: string, now = new Date()): Promise<KeyCheck> {
    const [row] = await this.byHash(hashApiKey(key));
    if (row === undefined) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked', at: row.revoked_at };
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime())
      return { ok: false, reason: 'expired', at: row.expires_at };
    const lastUsed = row.last_used_at === null ? null : Date.parse(row.last_used_at);
    if (lastUsed === null || now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
      // Compare-and-set on the value read: of processes racing, one writes.
      await this.db
        .updateTable('api_keys')
        .set({ last_used_at: isoTime(now) })
        .where('id', '=', row.id)
        .where((eb) =>
          row.last_used_at === null
            ? eb('last_used_at', 'is', null)
            : eb('last_used_at', '=', row.last_used_at),
        )
        .execute();
    }
    return { ok: true, tenant: row.tenant_id, keyId: row.id };
  }

  /** A tenant's keys, oldest first. */
  async list(tenantId: string, now = new Date()): Promise<ApiKeyInfo[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => keyInfo(row, now));
  }

  /** One key by its id, or null. */
  async get(id: string, now = new Date()): Promise<ApiKeyInfo | null> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : keyInfo(row, now);
  }

  /**
   * Revokes a key; revoking a revoked key keeps its first revocation time.
   * @returns the key as it now is, or null when no key has this id.
   */
  async revoke(id: string, now = new Date()): Promise<ApiKeyInfo | null> {
    await this.db
      .updateTable('api_keys')
      .set({ revoked_at: isoTime(now) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return this.get(id, now);
  }

  /** Revokes every unrevoked key of a tenant that carries `label`; returns how many. */
  async revokeLabelled(tenantId: string, label: string, now = new Date()): Promise<number> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: isoTime(now) })
      .where('tenant_id', '=', tenantId)
      .where('label', '=', label)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function keyInfo(row: KeyRow, now: Date): ApiKeyInfo {
  const expired = row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime();
  return {
    id: row.id,
    tenant: row.tenant_id,
    prefix: row.prefix,
    label: row.label,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    status: row.revoked_at !== null ? 'revoked' : expired ? 'expired' : 'active',
  };
}
