import { loadCatalogFile } from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import { DEMO_CATALOG_FILE } from '../demo/index.js';
import { requireTenantAccount } from '../jobs/require-tenant.js';
import { openSource } from '../sources/index.js';
import { openStore } from '../store/index.js';

/**
 * `portage keys create`: a new API key for a tenant the platform holds an
 * account for (SPEC §12.1), registering the tenant with Portage on first use.
 * @returns the key, shown once; only its hash is stored.
 */
export async function createKey(settings: Settings, tenant: string): Promise<string> {
  const catalog = loadCatalogFile(settings.catalogFile ?? DEMO_CATALOG_FILE);
  const source = openSource(settings.sourceUrl);
  try {
    await requireTenantAccount({ source, catalog }, tenant);
  } finally {
    await source.close();
  }
  const store = await openStore(settings.databaseUrl);
  try {
    if ((await store.tenants.get(tenant)) === null) await store.tenants.upsert(tenant, tenant);
    return await store.tenants.createKey(tenant);
  } finally {
    await store.close();
  }
}
