import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOfflineBrowser, type OfflineBrowser } from '../../test/support/browser.js';
import { archiveFiles } from './archive-files.js';
import {
  HOSTILE_TITLE,
  TASK_COUNT,
  UNICODE_ACCOUNT_NAME,
  UNICODE_CATEGORY_TITLE,
  sampleDocumentInput,
} from '../../test/support/document-inputs.js';
import { renderIndexHtml } from './index-html.js';

const input = sampleDocumentInput();
let browser: OfflineBrowser;
let dir: string;
let pageUrl: string;
let page: Page;
let dialogs: string[];
let errors: string[];
let text: string;

/** Writes index.html beside a stand-in for every file it links, as in the unzipped archive. */
async function unzippedFolder(): Promise<string> {
  const root =
    process.env['PORTAGE_KEEP_DOCUMENTS'] ?? (await mkdtemp(join(tmpdir(), 'portage-html-')));
  for (const file of archiveFiles(input.manifest)) {
    if (!file.linkable || file.path === 'index.html') continue;
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), `stand-in for ${file.path}\n`);
  }
  await writeFile(join(root, 'index.html'), renderIndexHtml(input));
  return root;
}

beforeAll(async () => {
  dir = await unzippedFolder();
  pageUrl = pathToFileURL(join(dir, 'index.html')).href;
  browser = await launchOfflineBrowser();
  ({ page, dialogs, errors } = await browser.newPage());
  await page.goto(pageUrl, { waitUntil: 'load' });
  text = await page.innerText('body');
});

afterAll(async () => {
  await browser?.close();
});

describe('index.html in a browser, offline', () => {
  it('loads nothing but itself', () => {
    expect(browser.requests).toEqual([pageUrl]);
    expect(errors).toEqual([]);
  });

  it('says what the archive is, and that a browser and a text editor are enough', () => {
    expect(text).toContain(`Acme Tasks data export for ${UNICODE_ACCOUNT_NAME}`);
    expect(text).toContain('(id acme)');
    expect(text).toContain('A web browser and a text editor are all it takes');
    expect(text).toContain('exp_7Hq2Zk9LmN4pR8sT');
    expect(text).toContain('2025-06-30T14:05:09.123Z');
    expect(text).toContain('closure (closing the account');
  });

  it('shows every category, the excluded ones with their reason', () => {
    for (const c of input.manifest.categories) expect(text).toContain(c.title);
    expect(text).toContain(UNICODE_CATEGORY_TITLE);
    expect(text).toContain('Not exported: Credentials. Even their hashes and prefixes');
    expect(text).toContain('Exportable, but not requested for this export.');
    expect(text).toContain('a password never leaves the platform');
    expect(text).toContain('tasks.legacy_color');
  });

  it('shows the records as text, a script among them never running', async () => {
    expect(text).toContain(UNICODE_ACCOUNT_NAME);
    expect(text).toContain(HOSTILE_TITLE);
    expect(text).toContain('Fish & chips "to go" <b>bold?</b>');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('td b').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('says how many records it shows and links the file with all of them', async () => {
    expect(text).toContain(
      `The first 200 of ${TASK_COUNT} records; all of them are in data/tasks.csv.`,
    );
    expect(text).toContain(
      'shortened here to the first 500 characters; the complete value is in data/comments.csv',
    );
    const cell = page.locator('#category-comments table.records tbody tr').first().locator('td', {
      hasText: 'Meeting notes',
    });
    expect((await cell.innerText()).length).toBeLessThan(700);
  });

  it('links every file by a relative path that opens from the unzipped folder', async () => {
    const links = page.locator('a[href]');
    const hrefs: string[] = [];
    for (let i = 0; i < (await links.count()); i++) {
      hrefs.push((await links.nth(i).getAttribute('href')) ?? '');
    }
    const files = hrefs.filter((href) => !href.startsWith('#'));
    expect(files).toContain('data/tasks.csv');
    expect(files).toContain('summary.pdf');
    for (const href of files) {
      expect(href).not.toMatch(/^[a-z]+:|^\//);
      expect(existsSync(fileURLToPath(new URL(href, pageUrl))), href).toBe(true);
    }
    const anchors = hrefs.filter((href) => href.startsWith('#'));
    for (const anchor of anchors) expect(await page.locator(anchor).count(), anchor).toBe(1);
  });

  it('states the CSV dialect and how to verify', () => {
    expect(text).toContain('RFC 4180: fields separated by commas');
    expect(text).toContain('sha256sum -c SHA256SUMS');
  });

  it('takes screenshots of the top of the page, the tasks and a shortened comment', async () => {
    await page.screenshot({ path: join(dir, 'index-top.png') });
    for (const [table, file] of [
      ['#category-tasks table.records', 'index-tasks.png'],
      ['#category-comments table.records', 'index-comments.png'],
    ] as const) {
      await page.evaluate(`document.querySelector('${table}').scrollIntoView()`);
      await page.screenshot({ path: join(dir, file) });
      expect(existsSync(join(dir, file))).toBe(true);
    }
  });
});
