import { buildManifest, type WrittenCategory } from '../../src/archive/index.js';
import { loadCatalogFile, type CatalogField, type Catalog } from '../../src/catalog/index.js';
import { DEMO_CATALOG_FILE } from '../../src/demo/index.js';
import type { JsonValue, Row } from '../../src/formats/index.js';
import type { IndexHtmlInput, SummaryPdfInput } from '../../src/documents/document-input.js';
import { RecordSampler } from '../../src/documents/record-sampler.js';

/** The account name of the sample export: accents, CJK and an emoji. */
export const UNICODE_ACCOUNT_NAME = 'Zoë Ångström & 李小龍 株式会社 🚀';
/** A category title with accents, kana and an emoji, given to `labels` in the sample catalog. */
export const UNICODE_CATEGORY_TITLE = 'Étiquettes ラベル 🏷';
/** A task title that would run as a script if it were not escaped. */
export const HOSTILE_TITLE = '<script>alert(1)</script>';
/** The sample export's `content_sha256`. */
export const SAMPLE_CONTENT_SHA256 = '5f1c'.repeat(16);
/** Records of `tasks` in the sample export: more than the HTML view shows. */
export const TASK_COUNT = 230;

const LONG_TEXT = 'Meeting notes — "export" must be complete; 数据必须完整. '.repeat(2_000);

/** A deterministic value of `field` for record `i`, with the hard cases in the first records. */
function sampleValue(category: string, field: CatalogField, i: number): JsonValue {
  if (field.name === 'tenant_id') return 'acme';
  if (category === 'account' && field.name === 'name') return UNICODE_ACCOUNT_NAME;
  if (category === 'tasks' && field.name === 'title') {
    return (
      [HOSTILE_TITLE, 'Fish & chips "to go" <b>bold?</b>', 'Line one\nLine two'][i] ??
      `Task ${i + 1}`
    );
  }
  if (category === 'comments' && field.name === 'body' && i === 0) return LONG_TEXT;
  if (field.nullable && i % 3 === 1) return null;
  switch (field.type) {
    case 'integer':
      return i + 1;
    case 'bigint':
    case 'decimal':
      return String(1000 * (i + 1));
    case 'boolean':
      return i % 2 === 0;
    case 'timestamp':
      return `2025-03-04T08:${String(i % 60).padStart(2, '0')}:30.123Z`;
    case 'date':
      return '2025-03-04';
    case 'json':
      return { tags: ['naïve', 'a,b'], n: i };
    default:
      return field.nullable && i % 3 === 2 ? '' : `${field.name} ${i + 1}`;
  }
}

/** The demo catalog, with the `labels` category retitled in several scripts. */
export function sampleCatalog(): Catalog {
  const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
  return {
    ...catalog,
    categories: catalog.categories.map((c) =>
      c.name === 'labels' ? { ...c, title: UNICODE_CATEGORY_TITLE } : c,
    ),
  };
}

/**
 * A closure export of the demo catalog as the builder would describe it:
 * every included category but `webhook_deliveries` requested, records sampled
 * through a {@link RecordSampler} while "streamed", and one undeclared column.
 */
export function sampleDocumentInput(): IndexHtmlInput & SummaryPdfInput {
  const catalog = sampleCatalog();
  const sampler = new RecordSampler();
  const written = new Map<string, WrittenCategory>();
  const requested = new Set<string>();
  for (const category of catalog.categories) {
    if (!category.included || category.name === 'webhook_deliveries') continue;
    requested.add(category.name);
    const rows = category.name === 'account' ? 1 : category.name === 'tasks' ? TASK_COUNT : 4;
    for (let i = 0; i < rows; i++) {
      const row: Row = category.fields.map((f) => sampleValue(category.name, f, i));
      sampler.add(category.name, row);
    }
    const file = (format: string, bytes: number) => ({
      path: `data/${category.name}.${format}`,
      format,
      media_type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
      rows,
      bytes,
      sha256: format.padEnd(64, '0').replace(/[^0-9a-f]/g, 'f'),
    });
    written.set(category.name, {
      rows,
      files: [file('json', 200 * rows + 31), file('csv', 120 * rows + 17)],
      attachments: category.files ? { count: 2, bytes: 3_072 } : null,
    });
  }
  const manifest = buildManifest({
    catalog,
    exportId: 'exp_7Hq2Zk9LmN4pR8sT',
    tenant: 'acme',
    accountName: UNICODE_ACCOUNT_NAME,
    purpose: 'closure',
    formats: ['json', 'csv', 'pdf'],
    generatedAt: '2025-06-30T14:05:09.123Z',
    signingKeyId: null,
    requested,
    csv: { bom: false, formulaProtection: true },
    written,
    undeclared: [{ table: 'tasks', column: 'legacy_color' }],
    missingFiles: [],
    documents: [],
    contentSha256: SAMPLE_CONTENT_SHA256,
  });
  return { manifest, catalog, samples: sampler.samples() };
}
