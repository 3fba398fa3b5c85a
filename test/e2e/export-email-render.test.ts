import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completedMail, failedMail, type MailContent } from '../../src/mail/index.js';
import type { ExportRecord } from '../../src/store/index.js';
import { launchOfflineBrowser, type OfflineBrowser } from '../support/browser.js';

const record: ExportRecord = {
  id: 'exp_3k9w2m7q4t8v1x5z0b6n2c4d',
  tenantId: 'acme',
  status: 'completed',
  purpose: 'migration',
  formats: ['json', 'csv'],
  categories: ['account', 'projects'],
  csv: { bom: false, formulaProtection: false },
  createdAt: '2026-11-30T18:00:00.000Z',
  startedAt: '2026-11-30T18:00:01.000Z',
  completedAt: '2026-11-30T18:00:09.000Z',
  expiresAt: '2026-12-07T18:00:09.000Z',
  progress: { categoriesTotal: 2, categoriesDone: 2, rowsWritten: 1235, bytesWritten: 99_000 },
  file: {
    name: 'acme-migration-20261130T180000Z-exp_3k9w2m7q4t8v1x5z0b6n2c4d.zip',
    bytes: 4_812_331,
    sha256: 'a3f1c0b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f',
  },
  storageKey: 'k',
  error: null,
  attempts: 1,
  fence: 1,
  notifyEmail: 'ada@customer.example',
};

describe('the export mail in a browser', () => {
  let browser: OfflineBrowser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchOfflineBrowser();
    dir = await mkdtemp(join(tmpdir(), 'portage-mail-render-'));
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, () => MailContent][] = [
    [
      'completed',
      () =>
        completedMail({
          export: { ...record, file: record.file!, expiresAt: record.expiresAt! },
          summary: {
            accountName: 'Acme <Tasks> & "Sons"',
            platformName: 'Acme Tasks',
            purpose: 'migration',
            formats: ['json', 'csv'],
            generatedAt: record.completedAt!,
            categories: [
              { name: 'account', title: 'Account', rows: 1 },
              { name: 'projects', title: 'Projects <script>alert(1)</script>', rows: 1234 },
            ],
            contentSha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
          },
          link: 'https://portage.example/v1/exports/exp_3k9w2m7q4t8v1x5z0b6n2c4d/email-link?expires=1796752809&signature=abc"><script>alert(2)</script>',
        }),
    ],
    [
      'failed',
      () =>
        failedMail({
          ...record,
          status: 'failed',
          error: {
            code: 'source_read_failed',
            message: 'Reading category "projects" <b>failed</b>.',
          },
        }),
    ],
  ];

  for (const [name, build] of cases)
    it(`renders the ${name} mail with no script, no request and nothing cut off, on a desktop and a phone`, async () => {
      const mail = build();
      const file = join(dir, `${name}.html`);
      await writeFile(file, mail.html);
      for (const width of [1024, 375]) {
        const { page, dialogs, errors } = await browser.newPage();
        await page.setViewportSize({ width, height: 800 });
        await page.goto(pathToFileURL(file).href);
        expect(await page.locator('script').count()).toBe(0);
        expect(dialogs).toEqual([]);
        expect(errors).toEqual([]);
        const overflow = await page.evaluate(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(Number(overflow), `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: join(tmpdir(), `portage-mail-${name}-${width}.png`),
          fullPage: true,
        });
        await page.close();
      }
      expect(browser.requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    });
});
