import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  UNICODE_ACCOUNT_NAME,
  UNICODE_CATEGORY_TITLE,
  sampleDocumentInput,
} from '../../test/support/document-inputs.js';
import { renderSummaryPdf, writeSummaryPdf } from './summary-pdf.js';

const run = promisify(execFile);
const input = sampleDocumentInput();
let dir: string;
let pdfFile: string;
let text: string;

/** The PDF's text as `pdftotext -layout` reads it, line by line as on the page, gaps made one space. */
async function pdfText(file: string): Promise<string> {
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout.replace(/[ \t]+/g, ' ');
}

beforeAll(async () => {
  dir = process.env['PORTAGE_KEEP_DOCUMENTS'] ?? (await mkdtemp(join(tmpdir(), 'portage-pdf-')));
  pdfFile = join(dir, 'summary.pdf');
  await writeFile(pdfFile, await renderSummaryPdf(input));
  text = await pdfText(pdfFile);
});

describe('summary.pdf', () => {
  it('names the account by name and id, the export, its date and purpose', () => {
    expect(text).toContain(UNICODE_ACCOUNT_NAME);
    expect(text).toContain('acme');
    expect(text).toContain('exp_7Hq2Zk9LmN4pR8sT');
    expect(text).toContain('2025-06-30T14:05:09.123Z');
    expect(text).toContain('closure (closing the account');
  });

  it('lists every category with its record count, or why it is not exported', () => {
    const flat = text.replace(/\s+/g, ' ');
    for (const c of input.manifest.categories) {
      expect(flat).toContain(c.title);
      if (!c.included) expect(flat).toContain(c.reason.replace(/\s+/g, ' ').slice(0, 60));
    }
    expect(flat).toMatch(/Tasks tasks 230 records/);
    expect(flat).toMatch(/Account account 1 record\b/);
    expect(flat).toMatch(/Webhook deliveries webhook_deliveries not requested/);
    expect(flat).toContain(UNICODE_CATEGORY_TITLE);
  });

  it('gives each left-out field with its reason, and the verification steps', () => {
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Users: password_hash');
    expect(flat).toContain('a password never leaves the platform');
    expect(flat).toContain('Webhooks: signing_secret');
    expect(flat).toContain('sha256sum -c SHA256SUMS');
    expect(flat).toContain('tasks.legacy_color');
  });

  it('numbers its pages', async () => {
    const { stdout } = await run('pdfinfo', [pdfFile]);
    const pages = Number(/Pages:\s+(\d+)/.exec(stdout)?.[1]);
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain(`Page 1 of ${pages}`);
    expect(text).toContain(`Page ${pages} of ${pages}`);
  });

  it('embeds the font it draws non-Latin text with, so it renders anywhere', async () => {
    const { stdout } = await run('pdffonts', [pdfFile]);
    expect(stdout).toMatch(/UnifontExMono\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  it('renders page 1 to an image', async () => {
    await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdfFile, join(dir, 'page')]);
    const { stdout } = await run('file', [join(dir, 'page-1.png')]);
    expect(stdout).toMatch(/PNG image data, 49\d x 70\d/);
  });

  it('is byte-identical for the same input, and written whole to a stream', async () => {
    const first = await renderSummaryPdf(input);
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const written = await writeSummaryPdf(input, sink);
    const second = Buffer.concat(chunks);
    expect(second.equals(first)).toBe(true);
    expect(written).toEqual({
      bytes: first.length,
      sha256: createHash('sha256').update(first).digest('hex'),
    });
  });

  it('dates the document from the export, not from when it was rendered', async () => {
    const { stdout } = await run('pdfinfo', ['-isodates', pdfFile]);
    expect(stdout).toMatch(/CreationDate:\s+2025-06-30T14:05:09Z/);
    expect(stdout).toMatch(/ModDate:\s+2025-06-30T14:05:09Z/);
  });
});
