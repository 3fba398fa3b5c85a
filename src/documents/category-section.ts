import { partWording } from '../archive/archive-layout.js';
import type { CatalogField, CategoryReference } from '../catalog/index.js';
import { catalogMarkdownHtml } from './catalog-markdown.js';
import type { Row } from '../formats/index.js';
import type { ManifestOverview } from './document-input.js';
import { countRecords, formatBytes } from './document-wording.js';
import { categoryAnchor, escapeHtml, fileHref } from './html-text.js';
import { renderRecordTable } from './record-table.js';
import { referenceNote } from './reference-note.js';

type ManifestCategory = ManifestOverview['categories'][number];
type IncludedEntry = Extract<ManifestCategory, { included: true }>;

/** What one category's section is drawn from. */
export interface CategorySectionInput {
  readonly entry: ManifestCategory;
  /** The catalog's fields of the category; empty for an excluded one. */
  readonly fields: readonly CatalogField[];
  /** The catalog's references of the category (fields holding another category's key). */
  readonly references: readonly CategoryReference[];
  /** Each category's title by name, to name a reference's target. */
  readonly titles: ReadonlyMap<string, string>;
  readonly rows: readonly Row[];
  readonly maxCellChars: number;
}

/** One category: what it is, whether it is here and why, its fields and its first records. */
export function renderCategorySection(input: CategorySectionInput): string {
  const { entry } = input;
  const out = [
    `<section id="${escapeHtml(categoryAnchor(entry.name))}" class="category">`,
    `<h3>${escapeHtml(entry.title)} <code>${escapeHtml(entry.name)}</code></h3>`,
    `<p>${catalogMarkdownHtml(entry.description)}</p>`,
  ];
  if (!entry.included) {
    out.push(
      '<p class="status excluded"><strong>Not exported.</strong> ' +
        `${catalogMarkdownHtml(entry.reason)}</p>`,
    );
  } else if (!entry.requested) {
    out.push(
      '<p class="status skipped"><strong>Not requested.</strong> The platform exports this ' +
        'category, but this export was asked for other categories only.</p>',
      fieldTable(input),
      excludedFields(entry),
    );
  } else {
    out.push(
      `<p class="status included"><strong>Exported:</strong> ${countRecords(entry.rows ?? 0)}.</p>`,
      fileList(entry),
      fieldTable(input),
      excludedFields(entry),
      '<h4>Records</h4>',
      renderRecordTable({
        fields: input.fields,
        rows: input.rows,
        total: entry.rows ?? 0,
        dataFiles: preferredDataFiles(entry),
        maxCellChars: input.maxCellChars,
      }),
    );
  }
  out.push('</section>');
  return out.filter((part) => part !== '').join('\n');
}

/**
 * The files a person most easily opens for every record: those of CSV, else
 * JSON, else the first format written; every part of it, in order.
 */
export function preferredDataFiles(entry: IncludedEntry): string[] {
  const format = ['csv', 'json'].find((f) => entry.files.some((file) => file.format === f));
  const chosen = format ?? entry.files[0]?.format;
  return entry.files.filter((f) => f.format === chosen).map((f) => f.path);
}

function fileList(entry: IncludedEntry): string {
  const items = entry.files.map(
    (f) =>
      `<li><a href="${escapeHtml(fileHref(f.path))}"><code>${escapeHtml(f.path)}</code></a> ` +
      `(${f.format.toUpperCase()}${partWording(f, entry.files)}, ${countRecords(f.rows)}, ${formatBytes(f.bytes)})</li>`,
  );
  items.push(
    `<li><a href="${escapeHtml(fileHref(entry.schema))}"><code>${escapeHtml(entry.schema)}</code></a> ` +
      '(JSON Schema of one record)</li>',
  );
  if (entry.attachments !== null && entry.attachments.count > 0) {
    const a = entry.attachments;
    items.push(
      `<li><code>${escapeHtml(a.directory)}</code>: ${a.count} ${a.count === 1 ? 'file' : 'files'} ` +
        `(${formatBytes(a.bytes)}); each record's <code>${escapeHtml(a.path_field)}</code> is its ` +
        `path under <code>${escapeHtml(a.directory)}</code></li>`,
    );
  }
  return `<ul class="files">\n${items.join('\n')}\n</ul>`;
}

function fieldTable({ fields, references, titles }: CategorySectionInput): string {
  if (fields.length === 0) return '';
  const rows = fields.map(
    (f) =>
      `<tr><td><code>${escapeHtml(f.name)}</code></td><td>${escapeHtml(f.type)}` +
      `${f.nullable ? ' or null' : ''}</td><td>${catalogMarkdownHtml(f.description)}` +
      `${referenceNote(f.name, references, titles)}</td></tr>`,
  );
  return [
    '<details open><summary>Fields</summary>',
    '<table class="fields"><thead><tr><th scope="col">field</th><th scope="col">type</th>' +
      '<th scope="col">meaning</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
    '</details>',
  ].join('\n');
}

function excludedFields(entry: IncludedEntry): string {
  if (entry.excluded_fields.length === 0) return '';
  const items = entry.excluded_fields.map(
    (f) => `<li><code>${escapeHtml(f.name)}</code>: ${catalogMarkdownHtml(f.reason)}</li>`,
  );
  return `<p>Fields the platform holds but leaves out of every export:</p>\n<ul class="left-out">\n${items.join('\n')}\n</ul>`;
}
