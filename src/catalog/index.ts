export * from './types.js';
export { CatalogError, formatIssue, type CatalogIssue } from './catalog-error.js';
export { loadCatalogFile, parseCatalog } from './catalog-loader.js';
