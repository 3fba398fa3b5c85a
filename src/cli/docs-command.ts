import { writeFile } from 'node:fs/promises';
import { loadCatalogFile } from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import { DEMO_CATALOG_FILE } from '../demo/index.js';
import { buildCatalogDocument, renderExportDocsMarkdown } from '../docs/index.js';

/** Writes the export documentation derived from the catalog, to `out` or stdout. */
export async function writeDocs(settings: Settings, out?: string): Promise<void> {
  const catalog = loadCatalogFile(settings.catalogFile ?? DEMO_CATALOG_FILE);
  const markdown = renderExportDocsMarkdown(buildCatalogDocument(catalog, settings));
  if (out === undefined) process.stdout.write(markdown);
  else await writeFile(out, markdown);
}
