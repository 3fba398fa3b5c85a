import { ExportLeases } from './export-leases.js';
import { ExportLifecycle } from './export-lifecycle.js';
import { ExportStore } from './export-store.js';
import { ImportStore } from './import-store.js';
import { PortalStore } from './portal-store.js';
import { openStateDb, type StateDbOptions, type StateDialect } from './state-db.js';
import { TenantStore } from './tenant-store.js';

export * from './export-record.js';
export type { CreateResult, ExportRequest, QuotaState } from './export-store.js';
export { QUOTA_WINDOWS } from './export-store.js';
export type { ClaimOptions, ClaimResult, Lease } from './claim-export.js';
export type { ProgressUpdate } from './export-leases.js';
export type { StalledExports } from './stalled-exports.js';
export type { StateDbOptions, StateDialect } from './state-db.js';
export type { Tenant } from './tenant-store.js';
export type { ImportOutcome, ImportRecord, ImportStatus } from './import-store.js';
export { isoTime, newId } from './ids.js';
export type { OpenLinkResult, PortalSession, SessionLookup } from './portal-store.js';
export { hashPortalToken } from './portal-store.js';

/** Portage's own state, by role. */
export interface Store {
  /** The engine holding the state: `sqlite` (embedded) or `postgres` (production). */
  readonly dialect: StateDialect;
  readonly tenants: TenantStore;
  readonly exports: ExportStore;
  readonly leases: ExportLeases;
  readonly lifecycle: ExportLifecycle;
  readonly imports: ImportStore;
  /** One-time links to the customer's page and their cookie sessions. */
  readonly portal: PortalStore;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) Portage's state database: a SQLite file path or a
 * `postgres://` URL (`PORTAGE_DATABASE_URL`).
 */
export async function openStore(url: string, options: StateDbOptions = {}): Promise<Store> {
  const { db, dialect } = await openStateDb(url, options);
  return {
    dialect,
    tenants: new TenantStore(db),
    exports: new ExportStore(db, dialect),
    leases: new ExportLeases(db, dialect),
    lifecycle: new ExportLifecycle(db),
    imports: new ImportStore(db, dialect),
    portal: new PortalStore(db),
    ping: async () => {
      await db.selectFrom('tenants').select('id').limit(1).execute();
    },
    close: () => db.destroy(),
  };
}
