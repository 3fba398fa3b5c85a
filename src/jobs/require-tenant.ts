import type { Catalog } from '../catalog/index.js';
import { PortageError } from '../errors/index.js';
import { tenantExists, type SourceDatabase } from '../sources/index.js';

/**
 * Refuses a tenant the platform holds no account row for (SPEC §12.1): an
 * export, an import, a key or a portal session for it would otherwise look
 * complete while holding nothing.
 * @throws PortageError `tenant_not_found`
 */
export async function requireTenantAccount(
  deps: { readonly source: SourceDatabase; readonly catalog: Catalog },
  tenant: string,
): Promise<void> {
  if (await tenantExists(deps.source, deps.catalog, tenant)) return;
  throw new PortageError(
    'tenant_not_found',
    `Tenant "${tenant}" does not exist: the platform's ${deps.catalog.account.title.toLowerCase()} category has no row for it.`,
  );
}
