export { DEMO_CATALOG_FILE } from './paths.js';
export { generateDemoPlatform, type DemoSummary, type GenerateDemoOptions } from './generator.js';
export {
  createIndexSql,
  createTableSql,
  DEMO_TABLES,
  type DemoColumn,
  type DemoColumnType,
  type DemoTable,
} from './schema.js';
export { DEMO_TENANTS, tenantProfiles, type DemoTenant, type TenantProfile } from './tenants.js';
