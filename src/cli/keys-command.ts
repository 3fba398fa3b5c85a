import { loadCatalogFile } from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import { DEMO_CATALOG_FILE } from '../demo/index.js';
import { requireTenantAccount } from '../jobs/require-tenant.js';
import { openSource } from '../sources/index.js';
import { openStore, type ApiKeyInfo, type Store } from '../store/index.js';
import { UsageError } from './usage-error.js';

/** Options of `portage keys create`. */
export interface CreateKeyOptions {
  readonly tenant: string;
  /** Lifetime in ms. (Default: the key never expires) */
  readonly expiresInMs?: number;
}

/**
 * `portage keys create`: a new API key for a tenant the platform holds an
 * account for (SPEC §12.1), registering the tenant with Portage on first use.
 * @returns the key, shown once (only its hash is stored), and what is kept of it.
 */
export async function createKey(
  settings: Settings,
  options: CreateKeyOptions,
  now = new Date(),
): Promise<{ key: string; info: ApiKeyInfo }> {
  const catalog = loadCatalogFile(settings.catalogFile ?? DEMO_CATALOG_FILE);
  const source = openSource(settings.sourceUrl);
  try {
    await requireTenantAccount({ source, catalog }, options.tenant);
  } finally {
    await source.close();
  }
  return withStore(settings, async (store) => {
    if ((await store.tenants.get(options.tenant)) === null)
      await store.tenants.upsert(options.tenant, options.tenant);
    return store.keys.create(options.tenant, {
      now,
      ...(options.expiresInMs !== undefined && {
        expiresAt: new Date(now.getTime() + options.expiresInMs),
      }),
    });
  });
}

/**
 * `portage keys list --tenant <id>`: every key of a tenant, oldest first —
 * never the key itself.
 * @throws {UsageError} for a tenant Portage has never held a key or token for.
 */
export async function listKeys(
  settings: Settings,
  tenant: string,
  now = new Date(),
): Promise<ApiKeyInfo[]> {
  return withStore(settings, async (store) => {
    if ((await store.tenants.get(tenant)) === null)
      throw new UsageError(`Tenant "${tenant}" has no keys: Portage has never met it.`);
    return store.keys.list(tenant, now);
  });
}

/**
 * `portage keys revoke <key id>`: the key answers 401 from the next request
 * on, in every process.
 * @throws {UsageError} when no key has this id.
 */
export async function revokeKey(
  settings: Settings,
  id: string,
  now = new Date(),
): Promise<ApiKeyInfo> {
  return withStore(settings, async (store) => {
    const key = await store.keys.revoke(id, now);
    if (key === null)
      throw new UsageError(`No API key "${id}" exists; see portage keys list --tenant <id>.`);
    return key;
  });
}

/** Keys as a table for a person: one line each, the columns aligned. */
export function formatKeyTable(keys: readonly ApiKeyInfo[]): string {
  const header = ['ID', 'PREFIX', 'STATUS', 'CREATED', 'LAST USED', 'EXPIRES'];
  const rows = keys.map((k) => [
    k.id,
    k.prefix ?? '-',
    k.status === 'revoked' ? `revoked ${k.revoked_at}` : k.status,
    k.created_at,
    k.last_used_at ?? 'never',
    k.expires_at ?? 'never',
  ]);
  if (rows.length === 0) return 'No keys.\n';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((cells) =>
      cells
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

async function withStore<T>(settings: Settings, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(settings.databaseUrl);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
