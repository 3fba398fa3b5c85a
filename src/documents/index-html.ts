import { CSV_DIALECT, VERIFY_STEPS } from '../archive/index.js';
import { archiveFiles, type ArchiveFileEntry } from './archive-files.js';
import { catalogMarkdownHtml } from './catalog-markdown.js';
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
  const titles = new Map(manifest.categories.map((c) => [c.name, c.title]));
  const sections = manifest.categories.map((entry) =>
    renderCategorySection({
      entry,
      fields: includedCategory(input.catalog, entry.name)?.fields ?? [],
      references: includedCategory(input.catalog, entry.name)?.references ?? [],
      titles,
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
    `<p>${catalogMarkdownHtml(e.platform.description)}</p>`,
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

/**
 * A SHA-256 as monospaced text that breaks only between groups of 16 digits
 * (`<wbr>` adds no character, so a copy of it is the plain 64 digits).
 */
function hashHtml(sha256: string): string {
  return `<code class="hash">${escapeHtml(sha256).replace(/(.{16})(?=.)/g, '$1<wbr>')}</code>`;
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
    [
      'Content digest',
      `${hashHtml(manifest.content_sha256)}<br><span class="note">The <code>content_sha256</code> of ` +
        '<code>manifest.json</code>: one number for all the data, schemas and attachments. ' +
        'Two exports of the same data have the same digest, whenever they ran; ' +
        '<a href="#verify">step 2 below</a> recomputes it.</span>',
    ],
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

/**
 * Why a file's row shows no checksum: the page cannot hold its own, and the
 * manifest and checksum files are written after it (they list this page's).
 */
const NO_CHECKSUM: Readonly<Record<string, string>> = {
  'index.html': 'This page cannot contain its own checksum: <code>SHA256SUMS</code> lists it.',
  'manifest.json':
    'Written after this page (it records this page’s checksum): <code>SHA256SUMS</code> lists it.',
  SHA256SUMS: 'The list of checksums itself: check it with <code>sha256sum -c SHA256SUMS</code>.',
  'manifest.sig':
    'Written after this page; it signs the exact bytes of <code>manifest.json</code>.',
};

function fileRow(f: ArchiveFileEntry, written: IndexHtmlInput['written']): string {
  const name = `<code>${escapeHtml(f.path)}</code>`;
  const path = f.linkable ? `<a href="${escapeHtml(fileHref(f.path))}">${name}</a>` : name;
  const known = f.sha256 === null ? written?.get(f.path) : undefined;
  const bytes = f.bytes ?? known?.bytes ?? null;
  const sha256 = f.sha256 ?? known?.sha256 ?? null;
  const size = bytes === null ? '—' : formatBytes(bytes);
  const sum =
    sha256 !== null
      ? hashHtml(sha256)
      : `<span class="note">${NO_CHECKSUM[f.path] ?? (f.linkable ? 'Listed in <code>SHA256SUMS</code>.' : 'Each file is listed in <code>SHA256SUMS</code>.')}</span>`;
  return `<tr><td>${path}</td><td>${inlineCode(f.description)}</td><td class="size">${size}</td><td class="sum">${sum}</td></tr>`;
}

function filesSection({ manifest, written }: IndexHtmlInput): string {
  const rows = archiveFiles(manifest).map((f) => fileRow(f, written));
  return [
    '<h2 id="files">Files</h2>',
    '<p>Each link opens the file from the unzipped folder. <code>SHA256SUMS</code> lists the ' +
      'checksum of every file; the ones known when this page was written are below.</p>',
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
      return `<tr><td>${name}</td><td class="no">no</td><td>${requested}</td><td>—</td><td>Not exported: ${catalogMarkdownHtml(c.reason)}</td></tr>`;
    }
    if (!c.requested) {
      return `<tr><td>${name}</td><td class="no">no</td><td>no</td><td>—</td><td>Exportable, but not requested for this export.</td></tr>`;
    }
    const left = c.excluded_fields.map(
      (f) => `<code>${escapeHtml(f.name)}</code> left out: ${catalogMarkdownHtml(f.reason)}`,
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
