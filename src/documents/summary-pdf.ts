import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { VERIFY_STEPS } from '../archive/index.js';
import { catalogMarkdownSpans } from './catalog-markdown.js';
import type { SummaryPdfInput } from './document-input.js';
import { countRecords, describePurpose } from './document-wording.js';
import { UNICODE_FONT, loadUnicodeFont } from './pdf-fonts.js';
import { newPdfDocument, type PdfDocument } from './pdfkit-document.js';
import { paragraph, type Span } from './pdf-writer.js';

/** Page margins and spacing; the compact layout is tried when the last page would hold only a few lines. */
interface Layout {
  readonly margin: number;
  /** Space between blocks, as a share of the normal one. */
  readonly spacing: number;
  /** Size of the notes under categories and fields, in points. */
  readonly noteSize: number;
}
const NORMAL: Layout = { margin: 56, spacing: 1, noteSize: 9 };
const COMPACT: Layout = { margin: 36, spacing: 0.4, noteSize: 8 };
/** A last page filled less than this is near-empty: the compact layout is tried. */
const NEAR_EMPTY = 0.3;
const MUTED = '#57606a';

/**
 * `summary.pdf`: a printable summary of the archive for people — the account
 * (name and id), when and why it was exported, every category with its record
 * count or the reason it is not here, the fields left out and why, and how to
 * verify the archive, on numbered A4 pages. The same input always gives the
 * same bytes: the document's dates come from `generated_at` and its id from them.
 */
export async function renderSummaryPdf(input: SummaryPdfInput): Promise<Buffer> {
  const normal = await renderWith(input, NORMAL);
  if (normal.pages === 1 || normal.lastPageFill >= NEAR_EMPTY) return normal.pdf;
  const compact = await renderWith(input, COMPACT);
  return compact.pages < normal.pages ? compact.pdf : normal.pdf;
}

async function renderWith(
  input: SummaryPdfInput,
  L: Layout,
): Promise<{ pdf: Buffer; pages: number; lastPageFill: number }> {
  const e = input.manifest.export;
  const font = await loadUnicodeFont();
  const generatedAt = new Date(e.generated_at);
  const doc = newPdfDocument({
    size: 'A4',
    margins: { top: L.margin, bottom: L.margin, left: L.margin, right: L.margin },
    bufferPages: true,
    compress: true,
    displayTitle: true,
    lang: 'en',
    info: {
      Title: `${e.platform.name} data export: ${e.account_name}`,
      Author: e.platform.name,
      Subject: `Summary of export ${e.id} (${e.purpose})`,
      Creator: 'Portage',
      Producer: 'Portage',
      CreationDate: generatedAt,
      ModDate: generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont(UNICODE_FONT, font);
  writeBody(doc, input, L);
  const lastPageFill = (doc.y - L.margin) / (doc.page.height - 2 * L.margin);
  const pages = doc.bufferedPageRange().count;
  numberPages(doc, e.id, L);
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), pages, lastPageFill };
}

/** Writes `summary.pdf` to `output`; resolves with its size and SHA-256 once written. */
export async function writeSummaryPdf(
  input: SummaryPdfInput,
  output: Writable,
): Promise<{ bytes: number; sha256: string }> {
  const pdf = await renderSummaryPdf(input);
  await new Promise<void>((resolve, reject) =>
    output.write(pdf, (error) => (error ? reject(error) : resolve())),
  );
  return { bytes: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') };
}

function writeBody(doc: PdfDocument, input: SummaryPdfInput, L: Layout): void {
  const { manifest } = input;
  const e = manifest.export;
  paragraph(doc, [{ text: `${e.platform.name} data export`, style: 'bold' }], { size: 20, gap: 2 });
  paragraph(doc, [{ text: e.account_name, style: 'bold' }], { size: 14, gap: 10 * L.spacing });
  const facts: [string, Span[]][] = [
    ['Account', [{ text: e.account_name }]],
    ['Account id', [{ text: e.tenant, style: 'mono' }]],
    ['Exported at', [{ text: `${e.generated_at} (UTC)` }]],
    ['Purpose', [{ text: describePurpose(e.purpose) }]],
    ['Export id', [{ text: e.id, style: 'mono' }]],
    ['Formats', [{ text: e.formats.join(', ') }]],
    ['Catalog version', [{ text: e.catalog_version }]],
  ];
  for (const [label, value] of facts) keyValue(doc, label, value);
  // 64 monospaced digits fit the value column on one line at 9 points.
  keyValue(doc, 'Content digest', [{ text: manifest.content_sha256, style: 'mono' }], 9);
  paragraph(
    doc,
    [
      { text: 'The content digest is the ' },
      { text: 'content_sha256', style: 'mono' },
      { text: ' of ' },
      { text: 'manifest.json', style: 'mono' },
      {
        text: ': one number for all the data, schemas and attachments, the same for two exports of the same data; step 2 of "How to verify" recomputes it.',
      },
    ],
    {
      size: 8.5,
      color: MUTED,
      x: doc.page.margins.left + 115,
      width: doc.page.width - 2 * L.margin - 115,
      gap: 2,
    },
  );
  doc.x = doc.page.margins.left;
  doc.moveDown(0.6 * L.spacing);
  paragraph(
    doc,
    [
      { text: `This archive holds the data that ${e.platform.name} keeps about this account. ` },
      { text: 'index.html', style: 'mono' },
      { text: ' (any web browser) and ' },
      { text: 'README.md', style: 'mono' },
      { text: ' (any text editor) explain every file; ' },
      { text: 'manifest.json', style: 'mono' },
      { text: ' lists them with their checksums.' },
    ],
    { gap: 4 },
  );
  heading(doc, 'Categories', L);
  paragraph(
    doc,
    [
      {
        text: 'Every category of data the platform holds about the account, and whether it is in this export.',
      },
    ],
    { color: MUTED, size: 9, gap: 6 * L.spacing },
  );
  for (const c of manifest.categories) {
    const status = !c.included
      ? 'not exported'
      : !c.requested
        ? 'not requested'
        : countRecords(c.rows ?? 0);
    categoryLine(doc, L, c.title, c.name, status);
    if (!c.included) note(doc, [{ text: 'Not exported: ' }, ...catalogMarkdownSpans(c.reason)], L);
    else if (!c.requested)
      note(doc, [{ text: 'Exportable, but not requested for this export.' }], L);
  }
  const leftOut = manifest.categories.flatMap((c) =>
    c.included ? c.excluded_fields.map((f) => ({ category: c, field: f })) : [],
  );
  if (leftOut.length > 0) {
    heading(doc, 'Fields left out', L);
    for (const { category, field } of leftOut) {
      paragraph(doc, [{ text: `${category.title}: ` }, { text: field.name, style: 'mono' }], {
        gap: 1,
      });
      note(doc, catalogMarkdownSpans(field.reason), L);
    }
  }
  if (manifest.undeclared.length > 0) {
    heading(doc, 'Not declared in the catalog', L);
    note(
      doc,
      [
        {
          text: "The platform's database holds these tables or columns, which its catalog does not declare; they are not in this export:",
        },
      ],
      L,
    );
    for (const u of manifest.undeclared) {
      paragraph(
        doc,
        [{ text: u.column === null ? u.table : `${u.table}.${u.column}`, style: 'mono' }],
        { gap: 1 },
      );
    }
  }
  heading(doc, 'How to verify this archive', L);
  VERIFY_STEPS.forEach((step, i) => {
    paragraph(doc, [{ text: `${i + 1}. ` }, ...codeSpans(step)], { gap: 4 });
  });
  note(doc, [{ text: 'README.md gives the same commands as plain text, to copy exactly.' }], L);
}

function heading(doc: PdfDocument, text: string, L: Layout): void {
  doc.moveDown(0.8 * L.spacing);
  if (doc.y > doc.page.height - L.margin - 60) doc.addPage();
  paragraph(doc, [{ text, style: 'bold' }], { size: 13, gap: 4 });
}

function keyValue(doc: PdfDocument, label: string, value: readonly Span[], size = 10): void {
  const y = doc.y;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  paragraph(doc, [{ text: label, style: 'bold' }], { x: left, y, width: 110 });
  const labelBottom = doc.y;
  paragraph(doc, value, { x: left + 115, y: y + (10 - size) * 0.8, width: width - 115, size });
  doc.x = left;
  doc.y = Math.max(doc.y, labelBottom) + 2;
}

function categoryLine(
  doc: PdfDocument,
  L: Layout,
  title: string,
  name: string,
  status: string,
): void {
  if (doc.y > doc.page.height - L.margin - 40) doc.addPage();
  const y = doc.y;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  paragraph(doc, [{ text: status, style: status.startsWith('not') ? 'regular' : 'bold' }], {
    x: left,
    y,
    width,
    align: 'right',
  });
  paragraph(
    doc,
    [
      { text: title, style: 'bold' },
      { text: `  ${name}`, style: 'mono' },
    ],
    {
      x: left,
      y,
      width: width - 130,
    },
  );
  doc.x = left;
  doc.y += 2;
}

function note(doc: PdfDocument, spans: readonly Span[], L: Layout): void {
  paragraph(doc, spans, {
    size: L.noteSize,
    color: MUTED,
    x: doc.page.margins.left + 12,
    width: doc.page.width - 2 * L.margin - 12,
    gap: 5 * L.spacing,
  });
  doc.x = doc.page.margins.left;
}

/** The shared texts mark names and commands with backquotes: those spans are set in a monospaced font. */
function codeSpans(text: string): Span[] {
  return text
    .split('`')
    .map((part, i) => ({ text: part, style: i % 2 === 1 ? 'mono' : 'regular' }));
}

function numberPages(doc: PdfDocument, exportId: string, L: Layout): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - L.margin + 18;
    const width = doc.page.width - 2 * L.margin;
    paragraph(doc, [{ text: `Export ${exportId}` }], {
      size: 8,
      color: MUTED,
      x: L.margin,
      y,
      width,
    });
    paragraph(doc, [{ text: `Page ${i + 1} of ${range.count}` }], {
      size: 8,
      color: MUTED,
      x: L.margin,
      y,
      width,
      align: 'right',
    });
    doc.page.margins.bottom = bottom;
  }
}
