import { ApiKeyStore } from './api-key-store.js';
import { ExportLeases } from './export-leases.js';
import { ExportMails } from './export-mails.js';
import { ExportLifecycle } from './export-lifecycle.js';
import { ExportStore } from './export-store.js';
import { ImportStore } from './import-store.js';
import { JobStats } from './job-stats.js';
import { PortalStore } from './portal-store.js';
import { openStateDb, type StateDbOptions, type StateDialect } from './state-db.js';
import { TenantStore } from './tenant-store.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { WebhookEndpoints } from './webhook-endpoints.js';
import { NotificationRetention } from './notification-retention.js';

export * from './export-record.js';
export { PURPOSE_RULES } from './purpose-rules.js';
export type { CreateResult, ExportRequest, QuotaState } from './export-store.js';
export { QUOTA_WINDOWS } from './export-store.js';
export type { ClaimOptions, ClaimResult, Lease } from './claim-export.js';
export type { ProgressUpdate } from './export-leases.js';
export type { StalledExports } from './stalled-exports.js';
export type { StateDbOptions, StateDialect } from './state-db.js';
export type { Tenant } from './tenant-store.js';
export type { ApiKeyInfo, KeyCheck, NewKeyOptions } from './api-key-store.js';
export { LAST_USED_RESOLUTION_MS } from './api-key-store.js';
export type { ImportClaim, ImportOutcome, ImportRecord, ImportStatus } from './import-store.js';
export type { ClaimedMail, MailRecord, MailStatus } from './export-mails.js';
export { isoTime, newId } from './ids.js';
export type { JobTotals } from './job-stats.js';
export * from './webhook-endpoints.js';
export * from './notification-retention.js';
export type * from './webhook-deliveries.js';
export type { OpenLinkResult, PortalSession, SessionLookup } from './portal-store.js';
export { hashPortalToken } from './portal-store.js';

/** Portage's own state, by role. */
export interface Store {
  /** The engine holding the state: `sqlite` (embedded) or `postgres` (production). */
  readonly dialect: StateDialect;
  readonly tenants: TenantStore;
  /** Tenants' API keys: created, checked, listed, revoked. */
  readonly keys: ApiKeyStore;
  readonly exports: ExportStore;
  readonly leases: ExportLeases;
  readonly lifecycle: ExportLifecycle;
  readonly imports: ImportStore;
  /** Finished exports and imports, as the metrics count them. */
  readonly stats: JobStats;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly webhookDeliveries: WebhookDeliveries;
  /** The outbox of mails telling of exports' ends. */
  readonly mails: ExportMails;
  /** One-time links to the customer's page and their cookie sessions. */
  readonly portal: PortalStore;
  /** Deletes webhook deliveries and mails that ended long ago. */
  readonly notificationRetention: NotificationRetention;
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
    keys: new ApiKeyStore(db),
    exports: new ExportStore(db, dialect),
    leases: new ExportLeases(db, dialect),
    lifecycle: new ExportLifecycle(db),
    imports: new ImportStore(db, dialect),
    stats: new JobStats(db),
    webhookEndpoints: new WebhookEndpoints(db),
    webhookDeliveries: new WebhookDeliveries(db, dialect),
    mails: new ExportMails(db),
    portal: new PortalStore(db),
    notificationRetention: new NotificationRetention(db),
    ping: async () => {
      await db.selectFrom('tenants').select('id').limit(1).execute();
    },
    close: () => db.destroy(),
  };
}
