import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { extractArchive, sha256sumCheck, type ExtractedArchive } from '../support/archive.js';
import { launchOfflineBrowser } from '../support/browser.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

const run = promisify(execFile);

describe('a closure export explains itself', () => {
  let server: TestServer;
  let archive: ExtractedArchive;
  let manifest: Manifest;
  beforeAll(async () => {
    server = await startServer();
    const created = await portageClient(server.baseUrl, server.keys.globex).POST('/v1/exports', {
      body: { purpose: 'closure' },
    });
    expect(created.response.status).toBe(202);
    expect(created.data!.formats).toEqual(['json', 'csv', 'pdf']);
    const done = await waitForExport(server.baseUrl, server.keys.globex!, created.data!.id);
    expect(done.status).toBe('completed');
    archive = await extractArchive(
      Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer()),
    );
    manifest = await archive.json<Manifest>('manifest.json');
  });
  afterAll(async () => server?.close());

  it('protects CSV cells against formulas by default, and says so in the manifest', async () => {
    expect(manifest.export.csv).toEqual({ bom: false, formula_protection: true });
    const tasks = await archive.read('data/tasks.csv');
    // The demo holds a task titled =1+2: a spreadsheet shows it as text.
    expect(tasks).toContain("'=1+2");
    expect(tasks.split('\n').some((line) => /(^|,)"?[=+@]/.test(line))).toBe(false);
  });

  it('carries README.md, index.html and summary.pdf, all checksummed', async () => {
    // index.html is written last, so that its file list gives the other documents' checksums.
    expect(manifest.documents.map((d) => d.path)).toEqual([
      'README.md',
      'summary.pdf',
      'index.html',
    ]);
    const sums = await sha256sumCheck(archive.dir);
    for (const path of ['README.md', 'index.html', 'summary.pdf'])
      expect(sums).toContain(`${path}: OK`);
  });

  it('has a summary.pdf a person can read: the account, every category and its count, what was left out', async () => {
    const { stdout } = await run('pdftotext', ['-layout', join(archive.dir, 'summary.pdf'), '-']);
    const text = stdout.replace(/\s+/g, ' ');
    expect(text).toContain('Globex');
    for (const category of manifest.categories) {
      expect(text).toContain(category.title);
      if (category.included && category.rows !== null)
        expect(text).toMatch(
          new RegExp(`${category.title}[^]*?${category.rows.toLocaleString('en-US')}`),
        );
    }
    expect(text).toContain('password_hash');
    expect(text).toMatch(/sha256sum -c SHA256SUMS/);
    const { stdout: info } = await run('pdfinfo', [join(archive.dir, 'summary.pdf')]);
    expect(info).toMatch(/Pages:\s+[1-9]/);
  });

  it('has an index.html that opens offline in a browser and shows the records', async () => {
    const browser = await launchOfflineBrowser();
    try {
      const { page, dialogs, errors } = await browser.newPage();
      const url = pathToFileURL(join(archive.dir, 'index.html')).href;
      await page.goto(url);
      const text = await page.innerText('body');
      for (const category of manifest.categories) expect(text).toContain(category.title);
      expect(text).toMatch(/browser/i);
      const tasks = JSON.parse(await archive.read('data/tasks.json')) as {
        records: { title: string }[];
      };
      expect(text).toContain(tasks.records[0]!.title.slice(0, 20));
      expect(browser.requests).toEqual([url]);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
