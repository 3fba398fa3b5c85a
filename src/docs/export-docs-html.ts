import { catalogMarkdownHtml as md } from '../documents/catalog-markdown.js';
import { formatDuration } from '../documents/document-wording.js';
import { categoryAnchor, escapeHtml, inlineCode as inline } from '../documents/html-text.js';
import { referenceNote } from '../documents/reference-note.js';
import type { CatalogDocument } from './catalog-document.js';

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{background:#f4f4f4;padding:0 .2rem}.no{color:#a40000;font-weight:600}.muted{color:#666}
.scroll{overflow-x:auto}.ref{font-size:.9em;color:#444}td:first-child code{white-space:nowrap}
@media (max-width:40rem){body{font-size:15px;margin:1rem auto}th,td{padding:.25rem .35rem}}`;

/** `GET /docs/export`: the export documentation as one self-contained HTML page. */
export function renderExportDocsHtml(doc: CatalogDocument): string {
  const e = escapeHtml;
  const titles = new Map(doc.categories.map((c) => [c.name, c.title]));
  const parts: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>What an export of ${e(doc.platform.name)} contains</title><style>${STYLE}</style></head><body>`,
    `<h1>What an export of ${e(doc.platform.name)} contains</h1>`,
    `<p>${md(doc.platform.description)}</p>`,
    `<p class="muted">Derived from the catalog, version <code>${e(doc.catalog_version)}</code>: every category of data the platform holds about a customer, exported or not, and why. Machine-readable: <a href="/v1/catalog">/v1/catalog</a>. API reference: <a href="/docs">/docs</a>.</p>`,
    '<h2 id="purposes">Purposes</h2><div class="scroll"><table><tr><th>purpose</th><th>for</th><th>default formats</th><th>allowed formats</th></tr>',
    ...doc.purposes.map(
      (p) =>
        `<tr><td><code>${e(p.name)}</code></td><td>${e(p.description)}</td><td>${e(p.default_formats.join(', '))}</td><td>${e(p.allowed_formats.join(', '))}</td></tr>`,
    ),
    '</table></div><h2 id="categories">Categories</h2><div class="scroll"><table><tr><th>category</th><th>exported</th><th>why not / formats</th></tr>',
    ...doc.categories.map((c) =>
      c.included
        ? `<tr><td><a href="#${e(categoryAnchor(c.name))}">${e(c.title)}</a> (<code>${e(c.name)}</code>)</td><td>yes</td><td>${e(c.formats.join(', '))}</td></tr>`
        : `<tr><td><a href="#${e(categoryAnchor(c.name))}">${e(c.title)}</a> (<code>${e(c.name)}</code>)</td><td class="no">no</td><td>${md(c.reason)}</td></tr>`,
    ),
    '</table></div>',
  ];
  for (const c of doc.categories) {
    parts.push(
      `<h3 id="${e(categoryAnchor(c.name))}">${e(c.title)} (<code>${e(c.name)}</code>)</h3><p>${md(c.description)}</p>`,
    );
    if (!c.included) {
      parts.push(`<p><span class="no">Not exported.</span> ${md(c.reason)}</p>`);
      continue;
    }
    parts.push(
      `<p>Primary key: ${c.primary_key.map((k) => `<code>${e(k)}</code>`).join(', ')}. Formats: ${e(c.formats.join(', '))}. Schema: <code>${e(c.schema)}</code>.</p>`,
      '<div class="scroll"><table><tr><th>field</th><th>type</th><th>null</th><th>description</th></tr>',
      ...c.fields.map(
        (f) =>
          `<tr><td><code>${e(f.name)}</code></td><td>${e(f.type)}</td><td>${f.nullable ? 'yes' : 'no'}</td><td>${md(f.description)}${referenceNote(f.name, c.references, titles)}</td></tr>`,
      ),
      '</table></div>',
    );
    if (c.excluded_fields.length > 0) {
      parts.push(
        '<p>Fields the platform holds but never exports:</p><ul>',
        ...c.excluded_fields.map((f) => `<li><code>${e(f.name)}</code>: ${md(f.reason)}</li>`),
        '</ul>',
      );
    }
    if (c.attachments) {
      parts.push(
        `<p>The files themselves are in the archive, at <code>attachments/&lt;${e(c.attachments.path_field)}&gt;</code>.</p>`,
      );
    }
  }
  const limits = doc.rate_limits;
  parts.push(
    '<h2 id="limits">Rate limits and lifetimes</h2><ul>',
    `<li>${limits.exports_per_24_hours} exports per rolling 24 hours and ${limits.exports_per_30_days} per rolling 30 days, per tenant; at most ${limits.running_at_once} of a tenant's exports run at once.</li>`,
    `<li>${e(limits.note)}</li>`,
    `<li>A download link lasts ${formatDuration(doc.lifetimes.download_url_seconds)}; a fresh one comes with every read of the export. An archive is kept ${formatDuration(doc.lifetimes.archive_retention_seconds)}, then deleted, and the export becomes <code>expired</code>.</li></ul>`,
    '<h2 id="archive">The archive</h2><div class="scroll"><table><tr><th>path</th><th>what it is</th></tr>',
    ...doc.archive_layout.map(
      (x) => `<tr><td><code>${e(x.path)}</code></td><td>${inline(x.description)}</td></tr>`,
    ),
    '</table></div><h2 id="csv">CSV dialect</h2><ul>',
    ...doc.csv_dialect.map((line) => `<li>${inline(line)}</li>`),
    '</ul><h2 id="verify">Verifying an archive</h2><ol>',
    ...doc.verification.map((line) => `<li>${inline(line)}</li>`),
    '</ol></body></html>',
  );
  return parts.join('\n');
}
