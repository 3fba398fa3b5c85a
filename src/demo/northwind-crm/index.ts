import { fileURLToPath } from 'node:url';
import type { DemoPlatform } from '../demo-platform.js';
import { NorthwindContext } from './seed-context.js';
import { seedContacts } from './seed-contacts.js';
import { seedDeals } from './seed-deals.js';
import { seedDirectory } from './seed-directory.js';
import { NORTHWIND_SCHEMA } from './schema.js';
import { NORTHWIND_TENANTS, northwindProfiles } from './tenants.js';

export { NORTHWIND_SCHEMA, NORTHWIND_TABLES } from './schema.js';
export { NORTHWIND_TENANTS, northwindProfiles } from './tenants.js';

/**
 * "Northwind CRM", the second demo platform: a sales CRM shaped unlike Acme
 * Tasks. Organizations are the tenants, keyed by UUID; most keys are UUIDs,
 * pipeline stages have a composite key, deals reach their organization
 * through their pipeline and notes through their deal then its pipeline,
 * notes answer notes, amounts are exact decimals, avatars are binary, each
 * organization has one settings row keyed by its id, and a pipeline's webhook
 * token is a secret. At scale 1 Northwind Traders has 200 deals (see
 * {@link northwindProfiles}).
 */
export const NORTHWIND_CRM: DemoPlatform = {
  name: 'northwind-crm',
  title: 'Northwind CRM',
  catalogFile: fileURLToPath(new URL('../../../catalog/northwind-crm.yaml', import.meta.url)),
  tenants: NORTHWIND_TENANTS,
  emptyTenant: NORTHWIND_TENANTS[NORTHWIND_TENANTS.length - 1]!.id,
  schema: NORTHWIND_SCHEMA,
  sqliteFile: 'northwind-crm.sqlite',
  stages: ({ sink, scale }) => {
    const ctx = new NorthwindContext(sink, northwindProfiles(scale));
    return [
      ['organizations, members, settings and pipelines', () => Promise.resolve(seedDirectory(ctx))],
      ['companies and contacts', () => seedContacts(ctx)],
      ['deals, their contacts, quote lines, notes and activities', () => seedDeals(ctx)],
    ];
  },
};
