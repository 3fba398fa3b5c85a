import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { archiveReadme, CONTENT_DIGEST_COMMAND } from '../archive/index.js';
import type { Catalog } from '../catalog/index.js';
import { loadSettings } from '../config/index.js';
import { buildCatalogDocument, renderExportDocsHtml } from '../docs/index.js';
import { renderPortalPage } from '../portal/portal-page.js';
import { formatDuration } from './document-wording.js';
import { SAMPLE_CONTENT_SHA256, sampleDocumentInput } from '../../test/support/document-inputs.js';
import { renderIndexHtml } from './index-html.js';
import { renderSummaryPdf } from './summary-pdf.js';

const run = promisify(execFile);
const HOSTILE =
  'Held `as is` <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)>';

/** The sample catalog and manifest with a hostile description on the first category and first field. */
function hostileInput() {
  const input = sampleDocumentInput();
  const categories = input.catalog.categories.map((c, i) =>
    i === 0 && c.included
      ? {
          ...c,
          description: HOSTILE,
          fields: c.fields.map((f, j) => (j === 0 ? { ...f, description: HOSTILE } : f)),
        }
      : c,
  );
  const catalog: Catalog = { ...input.catalog, categories };
  const manifest = {
    ...input.manifest,
    categories: input.manifest.categories.map((c, i) =>
      i === 0 ? { ...c, description: HOSTILE } : c,
    ),
  };
  return { ...input, catalog, manifest };
}

function expectInert(html: string) {
  expect(html).not.toContain('<script>alert(1)');
  expect(html).not.toMatch(/<img\b/i);
  expect(html).not.toMatch(/href="javascript:/i);
  expect(html).toContain('<code>as is</code>');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
}

describe('documents a reader trusts', () => {
  it("render catalog Markdown inert on /docs/export, in index.html and on the customer's page", () => {
    const input = hostileInput();
    const doc = buildCatalogDocument(input.catalog, loadSettings({}, '/'));
    expectInert(renderExportDocsHtml(doc));
    expectInert(renderIndexHtml(input));
    expectInert(renderPortalPage({ catalog: doc, accountName: 'A', returnUrl: null }));
  });

  it('say lifetimes in words on /docs/export', () => {
    const input = sampleDocumentInput();
    const html = renderExportDocsHtml(buildCatalogDocument(input.catalog, loadSettings({}, '/')));
    expect(html).toContain('A download link lasts 24 hours');
    expect(html).toContain('An archive is kept 7 days');
    expect(html).not.toMatch(/\d s\b/);
    expect([90, 3600, 5400, 86_400, 172_800, 604_800].map(formatDuration)).toEqual([
      '90 seconds',
      '1 hour',
      '90 minutes',
      '24 hours',
      '2 days',
      '7 days',
    ]);
  });

  it("link every reference to its category's section, on /docs/export and in index.html", () => {
    const input = sampleDocumentInput();
    const pages = [
      renderExportDocsHtml(buildCatalogDocument(input.catalog, loadSettings({}, '/'))),
      renderIndexHtml(input),
    ];
    const targets = input.catalog.categories.flatMap((c) =>
      c.included ? c.references.map((r) => r.category) : [],
    );
    expect(targets.length).toBeGreaterThan(0);
    for (const html of pages) {
      const links = [...html.matchAll(/References <a href="#([^"]+)"/g)].map((m) => m[1]);
      expect(links.length).toBeGreaterThanOrEqual(targets.length);
      for (const anchor of links) expect(html).toContain(`id="${anchor}"`);
    }
  });

  it('show content_sha256 and the command that recomputes it in README.md, index.html and summary.pdf', async () => {
    const input = sampleDocumentInput();
    const readme = archiveReadme(input.manifest);
    expect(readme).toContain(SAMPLE_CONTENT_SHA256);
    expect(readme).toContain(CONTENT_DIGEST_COMMAND);
    const html = renderIndexHtml(input);
    expect(html.replaceAll('<wbr>', '')).toContain(SAMPLE_CONTENT_SHA256);
    expect(html).toContain(CONTENT_DIGEST_COMMAND.replaceAll("'", '&#39;'));
    const dir = await mkdtemp(join(tmpdir(), 'portage-trust-'));
    const file = join(dir, 'summary.pdf');
    await writeFile(file, await renderSummaryPdf(input));
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    expect(stdout).toMatch(new RegExp(`Content digest\\s+${SAMPLE_CONTENT_SHA256}`));
    expect(stdout.replace(/\s+/g, ' ')).toContain(
      "grep -E '^[0-9a-f]{64} (data|schemas|attachments)/'",
    );
  });

  it('give size and checksum in index.html for every file written before it, and say why the others have none', () => {
    const input = sampleDocumentInput();
    const schema = { bytes: 2_345, sha256: 'a'.repeat(64) };
    const readme = { bytes: 9_000, sha256: 'b'.repeat(64) };
    const html = renderIndexHtml({
      ...input,
      written: new Map([
        ['schemas/tasks.schema.json', schema],
        ['README.md', readme],
      ]),
    });
    const row = (path: string) =>
      html.split('\n').find((line) => line.startsWith(`<tr><td><a href="${path}">`)) ?? '';
    expect(row('schemas/tasks.schema.json')).toContain('2.3 KB');
    expect(row('schemas/tasks.schema.json').replaceAll('<wbr>', '')).toContain('a'.repeat(64));
    expect(row('README.md').replaceAll('<wbr>', '')).toContain('b'.repeat(64));
    expect(row('index.html')).toContain('cannot contain its own');
    expect(row('manifest.json')).toContain('Written after this page');
    expect(html).not.toMatch(/<td class="sum"><\/td>/);
  });

  it('end summary.pdf on a page that is not near-empty', async () => {
    const input = sampleDocumentInput();
    const dir = await mkdtemp(join(tmpdir(), 'portage-trust-'));
    const file = join(dir, 'summary.pdf');
    await writeFile(file, await renderSummaryPdf(input));
    const pages = Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [file])).stdout)?.[1]);
    const { stdout } = await run('pdftotext', [
      '-f',
      String(pages),
      '-l',
      String(pages),
      file,
      '-',
    ]);
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    expect(pages === 1 || lines.length >= 10, `${pages} pages, last: ${lines.join(' / ')}`).toBe(
      true,
    );
  });
});
