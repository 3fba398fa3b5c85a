export { importBundle } from './import-bundle.js';
export {
  IMPORT_ERROR_CODES,
  ImportRefusal,
  type ImportConflict,
  type ImportErrorCode,
} from './import-error.js';
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './import-limits.js';
export type { ImportMode, ImportOptions, ImportProgress, ImportResult } from './import-options.js';
export {
  ConstraintError,
  type ImportColumn,
  type ImportRow,
  type PlatformTransaction,
  type PlatformWriter,
  type TransactionOptions,
} from './platform-writer.js';
export { SqliteWriter } from './sqlite-writer.js';
export { PostgresWriter } from './postgres-writer.js';
export { MysqlWriter } from './mysql-writer.js';
