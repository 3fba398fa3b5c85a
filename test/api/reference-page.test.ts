import { afterAll, beforeAll, expect, test } from 'vitest';
import { ERROR_CODES } from '../../src/errors/index.js';
import { launchOfflineBrowser, type OfflineBrowser } from '../support/browser.js';
import { startServer, type TestServer } from '../support/portage-server.js';

let server: TestServer;
let browser: OfflineBrowser;
beforeAll(async () => {
  server = await startServer({}, { worker: false });
  browser = await launchOfflineBrowser({ allowOrigin: new URL(server.baseUrl).origin });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 180_000);

test('/docs is Portage’s reference: its name, authentication, and every error code in a table', async () => {
  const { page, errors } = await browser.newPage();
  await page.goto(new URL('/docs', server.baseUrl).href);
  await page.locator('.swagger-ui .info .renderedMarkdown table').waitFor();
  expect(await page.title()).toBe('Portage API reference');
  expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Portage API');
  const intro = await page.locator('.swagger-ui .info .renderedMarkdown').innerText();
  expect(intro).toContain('Authentication');
  expect(intro).toContain('Authorization: Bearer');
  type Row = { children: ArrayLike<{ textContent: string | null }> };
  const rows: string[][] = await page
    .locator('.swagger-ui .info .renderedMarkdown table tbody tr')
    .evaluateAll((trs: Row[]) =>
      trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? '')),
    );
  expect(rows.map((r) => [r[0], Number(r[1])])).toEqual(
    Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]),
  );
  expect(rows.every((r) => (r[2] ?? '').length > 10 && (r[3] ?? '').length > 10)).toBe(true);
  // Swagger's own name and mark are gone where they can be turned off.
  expect(await page.locator('.topbar').innerText()).not.toMatch(/swagger/i);
  expect(await page.locator('.topbar img').getAttribute('src')).toMatch(
    /^data:image\/svg\+xml|\/docs\//,
  );
  await page.screenshot({ path: '/tmp/portage-reference-top.png' });
  // An operation opens with its problem examples, each with its own code.
  await page.locator('#operations-exports-getExport').click();
  await page.locator('#operations-exports-getExport .responses-wrapper').waitFor();
  const responses = await page
    .locator('#operations-exports-getExport .responses-wrapper')
    .innerText();
  expect(responses).toContain('unauthorized');
  expect(responses).toContain('exp_3m9q2wz7k4hx8v1c6t5rn0bd');
  await page.screenshot({ path: '/tmp/portage-reference-operation.png', fullPage: true });
  expect(errors).toEqual([]);
  expect(browser.requests.filter((url) => !url.startsWith(server.baseUrl))).toEqual([]);
}, 180_000);
