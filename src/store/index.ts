import { ExportLeases } from './export-leases.js';
import { ExportLifecycle } from './export-lifecycle.js';
import { ExportStore } from './export-store.js';
import { openStateDb } from './state-db.js';
import { TenantStore } from './tenant-store.js';

export * from './export-record.js';
export type { CreateResult, ExportRequest, QuotaState } from './export-store.js';
export { QUOTA_WINDOWS } from './export-store.js';
export type { ClaimOptions, Lease, ProgressUpdate } from './export-leases.js';
export type { Tenant } from './tenant-store.js';
export { isoTime, newId } from './ids.js';

/** Portage's own state, by role. */
export interface Store {
  readonly tenants: TenantStore;
  readonly exports: ExportStore;
  readonly leases: ExportLeases;
  readonly lifecycle: ExportLifecycle;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) Portage's state database. */
export async function openStore(url: string): Promise<Store> {
  const { db } = await openStateDb(url);
  return {
    tenants: new TenantStore(db),
    exports: new ExportStore(db),
    leases: new ExportLeases(db),
    lifecycle: new ExportLifecycle(db),
    ping: async () => {
      await db.selectFrom('tenants').select('id').limit(1).execute();
    },
    close: () => db.destroy(),
  };
}
