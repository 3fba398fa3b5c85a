import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, waitForExport } from '../support/http.js';
import { launchPortalBrowser, portalLink } from '../support/portal.js';
import {
  demoDatabase,
  demoFiles,
  startServer,
  type TestServer,
} from '../support/portage-server.js';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The customer's page in Debian's Chromium, against a running Portage (SPEC §12.3). */
describe('the customer page in a real browser', () => {
  let dir: string;
  let server: TestServer;
  let platform: Server;
  let platformUrl: string;
  let browser: Awaited<ReturnType<typeof launchPortalBrowser>>;
  let nextLink: string | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-portal-browser-'));
    await cp(demoDatabase(), join(dir, 'platform.sqlite'));
    await cp(demoFiles(), join(dir, 'files'), { recursive: true });
    server = await startServer(
      {},
      { platform: { sourceUrl: join(dir, 'platform.sqlite'), filesDir: join(dir, 'files') } },
    );
    // The platform's own product, on another site (localhost is not 127.0.0.1): its
    // "Export my data" button leads to the link its backend got from Portage.
    platform = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(
        `<!doctype html><title>Acme Tasks</title><a id="export" href="${nextLink ?? ''}">Export my data</a>`,
      );
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    const address = platform.address() as { port: number };
    platformUrl = `http://localhost:${address.port}/`;
    browser = await launchPortalBrowser([server.baseUrl, new URL(platformUrl).origin]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => platform?.close(resolve));
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Signs a customer in the way a platform does: its page, its button, the one-time link. */
  async function signIn(
    tenant = 'acme',
    returnUrl = 'http://localhost:3000/settings',
  ): Promise<Page> {
    nextLink = await portalLink(server, tenant, { return_url: returnUrl });
    const page = await browser.context.newPage();
    await page.goto(platformUrl);
    await page.click('#export');
    await page.waitForURL(`${server.baseUrl}/portal`);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  async function waitForDone(page: Page): Promise<string> {
    await page.waitForSelector(
      '#progress-box[data-status="completed"], #progress-box[data-status="failed"]',
      {
        timeout: 120_000,
      },
    );
    return (await page.getAttribute('#progress-box', 'data-status')) ?? '';
  }

  it('takes a customer from the platform button to a closure archive whose SHA-256 matches', async () => {
    const page = await signIn();
    await expect(page.title()).resolves.toContain('Acme Tasks');
    // What an export holds: every category of the catalog, excluded ones with their reason.
    const catalog = server.runtime.catalog;
    const holds = await page.textContent('section[aria-labelledby="holds-heading"]');
    for (const category of catalog.categories) {
      expect(holds).toContain(category.title);
      if (!category.included) expect(holds).toContain(category.reason);
    }
    expect(await page.getAttribute('#back-link', 'href')).toBe('http://localhost:3000/settings');

    await page.check('#purpose-closure');
    expect(await page.isChecked('#format-pdf')).toBe(true);
    expect(await page.isHidden('[data-format="bundle"]')).toBe(true);
    await page.click('#request-submit');
    const seen = new Set<string>();
    // Progress shows without a reload: the text changes in place until the archive is ready.
    page.on('console', () => undefined);
    const status = await waitForDone(page);
    seen.add(status);
    expect(status).toBe('completed');
    expect(await page.textContent('#progress-text')).toMatch(/^Ready: [\d,]+ records, /);

    const id = (await page.getAttribute('#progress-box', 'data-export'))!;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#progress-download a.download'),
    ]);
    const file = join(dir, 'downloaded.zip');
    await download.saveAs(file);
    const sha256 = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    const record = await api(server.baseUrl, 'GET', `/v1/exports/${id}`, { key: server.keys.acme });
    expect(record.body.purpose).toBe('closure');
    expect(sha256).toBe((record.body.file as { sha256: string }).sha256);
    expect(await page.textContent('#progress-download')).toContain(sha256);

    // The past exports list shows it, with its status and expiry.
    const row = page.locator(`tr[data-export="${id}"]`);
    await expect(row.getAttribute('data-status')).resolves.toBe('completed');
    expect(browser.blocked).toEqual([]);
    expect(browser.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await page.close();
  });

  it('can be used by keyboard alone: Tab and arrows to the purpose, Enter to request', async () => {
    const page = await signIn();
    await page.keyboard.press('Tab'); // the skip link
    await expect(page.evaluate('document.activeElement?.className')).resolves.toBe('skip');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    // Tab forward until the purpose group has focus, then pick "audit" with the arrow keys.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate('document.activeElement?.name === "purpose"')) break;
    }
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await page.isChecked('#purpose-audit')).toBe(true);
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate('document.activeElement?.id === "request-submit"')) break;
    }
    await page.keyboard.press('Enter');
    expect(await waitForDone(page)).toBe('completed');
    // The download link is reachable by Tab from the progress area.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate('document.activeElement?.classList.contains("download") ?? false'))
        break;
    }
    expect(await page.evaluate('document.activeElement?.classList.contains("download")')).toBe(
      true,
    );
    await page.close();
  });

  it('uploads a bundle from an earlier export: a dry run reports, a remap import writes', async () => {
    const writable = server.runtime.catalog.categories.filter(
      (c) => c.included && !c.platformOwned,
    );
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key: server.keys.globex,
      body: { purpose: 'duplication', categories: writable.map((c) => c.name) },
    });
    const done = await waitForExport(
      server.baseUrl,
      server.keys.globex!,
      created.body.id as string,
    );
    const bundle = join(dir, 'globex-bundle.zip');
    await writeFile(
      bundle,
      Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer()),
    );

    // The customer brings the bundle into their new, empty account (its own rows
    // would collide with the platform's unique columns, as on any platform).
    const page = await signIn('sandbox');
    await page.setInputFiles('#import-file', bundle);
    await page.click('#import-check');
    await page.waitForSelector('#import-result[data-status]', { timeout: 120_000 });
    const dry = await page.textContent('#import-result');
    expect(dry).toMatch(/Check passed|refused/);

    await page.check('#mode-remap');
    await page.evaluate('document.getElementById("import-result").removeAttribute("data-status")');
    await page.click('#import-run');
    await page.waitForSelector('#import-result[data-status]', { timeout: 120_000 });
    expect(await page.getAttribute('#import-result', 'data-status')).toBe('completed');
    expect(await page.textContent('#import-result')).toMatch(/Imported [\d,]+ records/);
    await page.close();
  });

  it('shows a clear page for a link opened twice and for an expired one, and no data', async () => {
    const link = await portalLink(server, 'acme');
    const page = await browser.context.newPage();
    await page.goto(link);
    await page.waitForSelector('body[data-ready="true"]');
    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    expect(await page.textContent('#notice-text')).toContain('already used');
    expect(await page.locator('#export-list').count()).toBe(0);

    const stale = await portalLink(server, 'acme');
    const db = new Database(server.settings.databaseUrl);
    db.prepare('UPDATE portal_links SET expires_at = ? WHERE consumed_at IS NULL').run(
      '2000-01-01T00:00:00.000Z',
    );
    db.close();
    const expired = await page.goto(stale);
    expect(expired?.status()).toBe(410);
    expect(await page.textContent('#notice-text')).toContain('expired');
    await page.close();
  });

  it("replays a tenant's cookie against another tenant's export: 404, nothing shown", async () => {
    const globex = await api(server.baseUrl, 'POST', '/v1/exports', {
      key: server.keys.globex,
      body: { purpose: 'audit' },
    });
    const page = await signIn('acme');
    const answer = await page.evaluate(async (id) => {
      const response = await fetch(`/portal/api/exports/${id}`);
      return { status: response.status, body: (await response.json()) as { code: string } };
    }, globex.body.id as string);
    expect(answer).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await page.content()).not.toContain(globex.body.id as string);
    await page.close();
  });

  it('has no serious or critical accessibility violations (axe-core), at desktop and phone widths', async () => {
    const page = await signIn();
    await page.check('#purpose-migration');
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `/tmp/portal-${width}.png`, fullPage: true });
      // Evaluated through the debugging protocol, so the page's CSP does not stop it.
      await page.evaluate(AXE_SOURCE);
      const result = await page.evaluate<{ id: string; impact: string; nodes: number }[]>(
        'axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
      );
      expect(
        result.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        `${width}px`,
      ).toEqual([]);
      // Nothing sticks out sideways on a phone.
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `${width}px`).toBeLessThanOrEqual(0);
    }
    await page.close();
  });
});
