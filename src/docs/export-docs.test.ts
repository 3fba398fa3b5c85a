import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../catalog/index.js';
import { loadSettings } from '../config/index.js';
import { DEMO_CATALOG_FILE } from '../demo/index.js';
import { buildCatalogDocument, renderExportDocsHtml, renderExportDocsMarkdown } from './index.js';

const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
const defaults = loadSettings({}, '/');

describe('the export documentation', () => {
  it('in docs/export.md matches the catalog (run `npm run docs` when this fails)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../docs/export.md'), 'utf8');
    expect(committed).toBe(renderExportDocsMarkdown(buildCatalogDocument(catalog, defaults)));
  });

  it('lists every category, every field and every excluded field with its reason', () => {
    const doc = buildCatalogDocument(catalog, defaults);
    const markdown = renderExportDocsMarkdown(doc);
    const html = renderExportDocsHtml(doc);
    for (const category of catalog.categories) {
      expect(markdown).toContain(`(\`${category.name}\`)`);
      expect(html).toContain(`<code>${category.name}</code>`);
      if (!category.included) {
        expect(doc.categories.find((c) => c.name === category.name)).toMatchObject({
          included: false,
          reason: category.reason,
        });
        continue;
      }
      for (const field of category.fields)
        expect(markdown).toContain(`| \`${field.name}\` | ${field.type} |`);
      for (const field of category.excludedFields)
        expect(markdown).toContain(`- \`${field.name}\`: ${field.reason}`);
    }
    expect(markdown).toContain('10 exports per rolling 24 hours and 50 per rolling 30 days');
  });
});
