import { fileURLToPath } from 'node:url';
import type { DemoPlatform } from '../demo-platform.js';
import { seedBilling } from './seed-billing.js';
import { SeedContext } from './seed-context.js';
import { seedDirectory } from './seed-directory.js';
import { seedDerived, seedInternal } from './seed-internal.js';
import { seedTasks } from './seed-tasks.js';
import { ACME_TASKS_SCHEMA } from './schema.js';
import { DEMO_TENANTS, tenantProfiles } from './tenants.js';

export { createIndexSql, DEMO_TABLES } from './schema.js';
export { DEMO_TENANTS, tenantProfiles, type TenantProfile } from './tenants.js';

/**
 * Absolute path of Acme Tasks' catalog, `catalog/acme-tasks.yaml` at the
 * package root; resolves the same from `src/` and from the compiled `dist/`.
 */
export const DEMO_CATALOG_FILE = fileURLToPath(
  new URL('../../../catalog/acme-tasks.yaml', import.meta.url),
);

/**
 * "Acme Tasks", the default demo platform: a project-management service whose
 * accounts are text slugs (`acme`, the largest, `globex`, `initech`, and the
 * empty `sandbox`), with integer keys, and at scale 1 about 2,000 tasks for
 * `acme`, 500 × scale for `globex` and 200 × scale for `initech`, with users,
 * projects, comments, task labels, audit events and webhook deliveries in
 * proportion (see {@link tenantProfiles}); scale 500 gives `acme` one million tasks.
 */
export const ACME_TASKS: DemoPlatform = {
  name: 'acme-tasks',
  title: 'Acme Tasks',
  catalogFile: DEMO_CATALOG_FILE,
  tenants: DEMO_TENANTS,
  emptyTenant: 'sandbox',
  schema: ACME_TASKS_SCHEMA,
  sqliteFile: 'demo-platform.sqlite',
  stages: ({ sink, scale, filesDir, progress }) => {
    const ctx = new SeedContext(sink, tenantProfiles(scale), filesDir, progress);
    return [
      ['accounts, users, projects and labels', () => seedDirectory(ctx)],
      ['tasks, comments, task labels, attachments and audit events', () => seedTasks(ctx)],
      ['webhooks, deliveries, invoices, payment methods and settings', () => seedBilling(ctx)],
      ['api keys and sessions', () => seedInternal(ctx)],
      ['search index and project statistics', () => seedDerived(ctx)],
    ];
  },
};
