export { DEMO_CATALOG_FILE } from './paths.js';
export {
  generateDemoPlatform,
  seedDemoPlatform,
  type DemoSeedOptions,
  type DemoSeedSummary,
  type DemoSummary,
  type GenerateDemoOptions,
} from './generator.js';
export {
  generateDemoPlatformInPostgres,
  maskPassword,
  type GeneratePostgresDemoOptions,
  type PostgresDemoSummary,
} from './postgres-demo.js';
export { PostgresSink } from './postgres-sink.js';
export type { DemoCounts, RowSink, SeedValue } from './row-sink.js';
export {
  createIndexSql,
  createTableSql,
  DEMO_TABLES,
  type DemoColumn,
  type DemoColumnType,
  type DemoPgType,
  type DemoTable,
} from './schema.js';
export { SqliteSink } from './sqlite-sink.js';
export { DEMO_TENANTS, tenantProfiles, type DemoTenant, type TenantProfile } from './tenants.js';
