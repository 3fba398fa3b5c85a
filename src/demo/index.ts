export {
  ACME_TASKS,
  createIndexSql,
  DEMO_CATALOG_FILE,
  DEMO_TABLES,
  DEMO_TENANTS,
} from './acme-tasks/index.js';
export type { DemoPlatform, DemoRun, DemoStage, DemoTenant } from './demo-platform.js';
export {
  createTableSql,
  schemaTable,
  type DemoColumn,
  type DemoColumnType,
  type DemoEnum,
  type DemoForeignKey,
  type DemoSchema,
  type DemoTable,
  type DemoTenantPath,
} from './demo-schema.js';
export {
  generateDemoPlatform,
  seedDemoPlatform,
  type DemoSeedOptions,
  type DemoSeedSummary,
  type DemoSummary,
  type GenerateDemoOptions,
} from './generator.js';
export { DEMO_TEMPLATE_DIR, installDemoPlatform, writeDemoTemplate } from './demo-template.js';
export { NORTHWIND_CRM } from './northwind-crm/index.js';
export {
  generateDemoPlatformInPostgres,
  maskPassword,
  type GeneratePostgresDemoOptions,
  type PostgresDemoSummary,
} from './postgres-demo.js';
export {
  generateDemoPlatformInMysql,
  type GenerateMysqlDemoOptions,
  type MysqlDemoSummary,
} from './mysql-demo.js';
export { MysqlSink } from './mysql-sink.js';
export { PostgresSink } from './postgres-sink.js';
export { DEFAULT_DEMO_PLATFORM, DEMO_PLATFORMS, demoPlatform } from './registry.js';
export type { DemoCounts, DerivedRows, RowSink, SeedValue } from './row-sink.js';
export { SqliteSink } from './sqlite-sink.js';
