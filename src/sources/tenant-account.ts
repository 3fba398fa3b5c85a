import type { Catalog } from '../catalog/index.js';
import type { RawValue, SourceDatabase, SourceSnapshot } from './types.js';

/** The account row of a tenant, as documents and emails name it. */
export interface TenantAccount {
  /** The value of the account category's display field, as text; the tenant id when it is null. */
  readonly displayName: string;
}

/**
 * Reads the tenant's row of the catalog's account category inside `snapshot`;
 * null when there is none (SPEC §12.1: a tenant exists when its account row does).
 */
export async function readTenantAccount(
  snapshot: SourceSnapshot,
  catalog: Catalog,
  tenant: string,
): Promise<TenantAccount | null> {
  const { account } = catalog;
  const displayField = account.account?.displayField ?? account.primaryKey[0]!;
  const read = { source: account.source, columns: [displayField], orderBy: [], tenant };
  for await (const batch of snapshot.batches(read)) {
    if (batch.length === 0) continue;
    const name = displayText(batch[0]?.[0] ?? null);
    return { displayName: name === '' ? tenant : name };
  }
  return null;
}

/** Whether the platform holds an account row for `tenant`, read in a snapshot of its own. */
export function tenantExists(
  source: SourceDatabase,
  catalog: Catalog,
  tenant: string,
): Promise<boolean> {
  return source.withSnapshot(async (snapshot) => {
    return (await readTenantAccount(snapshot, catalog, tenant)) !== null;
  });
}

function displayText(value: RawValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
