export { buildCatalogDocument, type CatalogDocument } from './catalog-document.js';
export { renderExportDocsHtml } from './export-docs-html.js';
export { renderExportDocsMarkdown } from './export-docs-markdown.js';
