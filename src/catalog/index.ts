export * from './types.js';
export { CatalogError, formatIssue, type CatalogIssue } from './catalog-error.js';
export { loadCatalogFile, parseCatalog } from './catalog-loader.js';
export { TODO_REASON, todoReasons } from './todo-reasons.js';
export {
  checkDrift,
  type DriftReport,
  type MissingItem,
  type UndeclaredItem,
} from './drift-check.js';
export { checkFieldTypes, type FieldTypeProblem } from './field-type-check.js';
export { columnKind, type ColumnKind } from './column-kind.js';
