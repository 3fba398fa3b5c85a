import { CSV_DIALECT, VERIFY_STEPS } from '../archive/index.js';
import { archiveFiles } from './archive-files.js';
import { renderCategorySection } from './category-section.js';
import { DEFAULT_MAX_CELL_CHARS, includedCategory, type IndexHtmlInput } from './document-input.js';
import { countRecords, describePurpose, formatBytes } from './document-wording.js';
import { categoryAnchor, escapeHtml, fileHref, inlineCode } from './html-text.js';
import { INDEX_HTML_STYLE } from './index-html-style.js';

/** Nothing may load from anywhere, and no script may run: the page is text and inline style. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * `index.html`: the whole archive explained in one self-contained page that
 * any browser opens offline from the unzipped folder. It tells what the archive
 * is, lists and links every file, describes every category (exported or not,
 * and why; its fields; the fields left out) and shows each category's first
 * records. It loads nothing and runs no script. The same input gives the same text.
 */
export function renderIndexHtml(input: IndexHtmlInput): string {
  const { manifest } = input;
  const e = manifest.export;
  const maxCellChars = input.maxCellChars ?? DEFAULT_MAX_CELL_CHARS;
  const title = `${e.platform.name} data export for ${e.account_name}`;
  const sections = manifest.categories.map((entry) =>
    renderCategorySection({
      entry,
      fields: includedCategory(input.catalog, entry.name)?.fields ?? [],
      rows: input.samples.get(entry.name) ?? [],
      maxCellChars,
    }),
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${INDEX_HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="lead">This archive holds the data that ${escapeHtml(e.platform.name)} keeps about ` +
      `the account ${escapeHtml(e.account_name)} (id <code>${escapeHtml(e.tenant)}</code>). A web browser and a text editor are all ` +
      'it takes to read it: this page explains every file, and the data files are plain text ' +
      '(CSV opens in any spreadsheet program).</p>',
    facts(input),
    `<p>${inlineCode(e.platform.description)}</p>`,
    '</header>',
    contents(input),
    filesSection(input),
    overviewSection(input),
    '<h2 id="categories-in-detail">Categories in detail</h2>',
    ...sections,
    undeclaredSection(input),
    '<h2 id="csv-dialect">CSV dialect</h2>',
    `<ul>\n${CSV_DIALECT.map((line) => `<li>${inlineCode(line)}</li>`).join('\n')}\n</ul>`,
    '<h2 id="verify">Verifying this archive</h2>',
    `<ol>\n${VERIFY_STEPS.map((line) => `<li>${inlineCode(line)}</li>`).join('\n')}\n</ol>`,
    `<footer>Export <code>${escapeHtml(e.id)}</code>, generated at ${escapeHtml(e.generated_at)} ` +
      `from catalog version <code>${escapeHtml(e.catalog_version)}</code>.</footer>`,
    '</body>',
    '</html>',
  ]
    .filter((part) => part !== '')
    .join('\n')
    .concat('\n');
}

function facts({ manifest }: IndexHtmlInput): string {
  const e = manifest.export;
  const rows: [string, string][] = [
    ['Platform', escapeHtml(e.platform.name)],
    ['Account', `${escapeHtml(e.account_name)} (<code>${escapeHtml(e.tenant)}</code>)`],
    ['Purpose', escapeHtml(describePurpose(e.purpose))],
    ['Export id', `<code>${escapeHtml(e.id)}</code>`],
    [
      'Generated at',
      `<time datetime="${escapeHtml(e.generated_at)}">${escapeHtml(e.generated_at)}</time> (UTC)`,
    ],
    ['Formats', escapeHtml(e.formats.join(', '))],
    ['Catalog version', `<code>${escapeHtml(e.catalog_version)}</code>`],
  ];
  if (e.csv !== null) {
    rows.push([
      'CSV options',
      `byte-order mark ${e.csv.bom ? 'on' : 'off'}, formula protection ${e.csv.formula_protection ? 'on' : 'off'}`,
    ]);
  }
  return `<dl class="facts">\n${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('\n')}\n</dl>`;
}

function contents({ manifest }: IndexHtmlInput): string {
  const links = manifest.categories.map(
    (c) => `<li><a href="#${escapeHtml(categoryAnchor(c.name))}">${escapeHtml(c.title)}</a></li>`,
  );
  return [
    '<nav aria-label="Contents"><h2>Contents</h2>',
    '<p><a href="#files">Files</a> · <a href="#categories">Categories</a> · ' +
      '<a href="#csv-dialect">CSV dialect</a> · <a href="#verify">Verifying this archive</a></p>',
    `<ul>\n${links.join('\n')}\n</ul>`,
    '</nav>',
  ].join('\n');
}

function filesSection({ manifest }: IndexHtmlInput): string {
  const rows = archiveFiles(manifest).map((f) => {
    const name = `<code>${escapeHtml(f.path)}</code>`;
    const path = f.linkable ? `<a href="${escapeHtml(fileHref(f.path))}">${name}</a>` : name;
    const size = f.bytes === null ? '' : formatBytes(f.bytes);
    return `<tr><td>${path}</td><td>${inlineCode(f.description)}</td><td>${size}</td><td class="sum">${f.sha256 ?? ''}</td></tr>`;
  });
  return [
    '<h2 id="files">Files</h2>',
    '<p>Each link opens the file from the unzipped folder. Checksums of the data files are below; ' +
      "<code>SHA256SUMS</code> lists every file's.</p>",
    '<div class="scroll"><table class="files"><thead><tr><th scope="col">path</th>' +
      '<th scope="col">what it holds</th><th scope="col">size</th><th scope="col">SHA-256</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table></div>`,
  ].join('\n');
}

function overviewSection({ manifest }: IndexHtmlInput): string {
  const rows = manifest.categories.map((c) => {
    const name = `<a href="#${escapeHtml(categoryAnchor(c.name))}">${escapeHtml(c.title)}</a> <code>${escapeHtml(c.name)}</code>`;
    const requested = c.requested ? 'yes' : 'no';
    if (!c.included) {
      return `<tr><td>${name}</td><td class="no">no</td><td>${requested}</td><td>—</td><td>Not exported: ${inlineCode(c.reason)}</td></tr>`;
    }
    if (!c.requested) {
      return `<tr><td>${name}</td><td class="no">no</td><td>no</td><td>—</td><td>Exportable, but not requested for this export.</td></tr>`;
    }
    const left = c.excluded_fields.map(
      (f) => `<code>${escapeHtml(f.name)}</code> left out: ${inlineCode(f.reason)}`,
    );
    return `<tr><td>${name}</td><td class="yes">yes</td><td>yes</td><td class="num">${countRecords(c.rows ?? 0)}</td><td>${left.join('<br>')}</td></tr>`;
  });
  return [
    '<h2 id="categories">Categories</h2>',
    '<p>Every category of data the platform holds about the account, whether this export includes it or not, and why.</p>',
    '<div class="scroll"><table class="overview"><thead><tr><th scope="col">category</th>' +
      '<th scope="col">in this export</th><th scope="col">requested</th><th scope="col">records</th>' +
      '<th scope="col">notes</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table></div>`,
    '<p class="note">In the record tables below, <span class="null">null</span> marks a field ' +
      'with no value and <span class="null">(empty text)</span> a text that is empty: the data files keep the two apart.</p>',
  ].join('\n');
}

function undeclaredSection({ manifest }: IndexHtmlInput): string {
  if (manifest.undeclared.length === 0) return '';
  const items = manifest.undeclared.map(
    (u) =>
      `<li><code>${escapeHtml(u.column === null ? u.table : `${u.table}.${u.column}`)}</code></li>`,
  );
  return [
    '<h2 id="undeclared">Not declared in the catalog</h2>',
    "<p>The platform's database holds these tables or columns, which its catalog does not declare; they are not in this export:</p>",
    `<ul>\n${items.join('\n')}\n</ul>`,
  ].join('\n');
}
