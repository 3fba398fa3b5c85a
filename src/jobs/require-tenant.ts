import type { Catalog, FieldType } from '../catalog/index.js';
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
  const misfit = tenantIdMisfit(deps.catalog, tenant);
  if (misfit !== null) {
    throw new PortageError(
      'tenant_not_found',
      `Tenant "${tenant}" does not exist: the platform's tenant ids are ${misfit}.`,
    );
  }
  if (await tenantExists(deps.source, deps.catalog, tenant)) return;
  throw new PortageError(
    'tenant_not_found',
    `Tenant "${tenant}" does not exist: the platform's ${deps.catalog.account.title.toLowerCase()} category has no row for it.`,
  );
}

const TENANT_ID_SHAPES: Partial<
  Record<FieldType, { readonly pattern: RegExp; readonly says: string }>
> = {
  uuid: {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    says: 'UUIDs (8-4-4-4-12 hexadecimal digits)',
  },
  integer: { pattern: /^-?[0-9]{1,15}$/, says: 'integers' },
  bigint: { pattern: /^-?[0-9]{1,19}$/, says: 'integers' },
};

/**
 * What the tenant ids look like when `tenant` cannot be one (a word where the
 * account's key is a UUID or an integer), so that no database is asked to
 * compare a value its column cannot hold; null when it may be one.
 */
function tenantIdMisfit(catalog: Catalog, tenant: string): string | null {
  const key = catalog.account.primaryKey[0];
  const type = catalog.account.fields.find((f) => f.name === key)?.type;
  const shape = type === undefined ? undefined : TENANT_ID_SHAPES[type];
  return shape === undefined || shape.pattern.test(tenant) ? null : shape.says;
}
