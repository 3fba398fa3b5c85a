import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLATFORMS, type DemoPlatform } from '../../src/demo/index.js';
import { loadDemoPlatform, type LoadedPlatform } from '../support/demo-databases.js';
import { api, waitForExport } from '../support/http.js';
import { launchPortalBrowser, portalLink } from '../support/portal.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Where the screenshots of the page go, one per platform and width, to be looked at. */
const SCREENSHOT_DIR = process.env['PORTAGE_SCREENSHOT_DIR'] ?? tmpdir();

/** A Portage serving one demo platform, with a key for each of its tenants. */
interface PortalServer {
  readonly platform: DemoPlatform;
  readonly server: TestServer;
  readonly baseUrl: string;
  /** One API key per tenant of the platform. */
  readonly keys: Readonly<Record<string, string>>;
  /** A tenant holding data, another one, and the empty one imports go into. */
  readonly holder: string;
  readonly other: string;
  readonly empty: string;
  close(passed: boolean): Promise<void>;
}

/**
 * Starts Portage on a writable copy of `platform`, its state on SQLite (the
 * embedded default) or on a PostgreSQL database of its own (production),
 * the platform's database then in PostgreSQL too.
 */
async function startPortalServer(
  platform: DemoPlatform,
  state: 'sqlite' | 'postgres',
): Promise<PortalServer> {
  const dir = await mkdtemp(join(tmpdir(), `portage-portal-${platform.name}-`));
  let loaded: LoadedPlatform | undefined;
  let database: TestDatabase | undefined;
  try {
    loaded = await loadDemoPlatform(platform, state, dir);
    database = state === 'postgres' ? await createTestDatabase() : undefined;
    const server = await startServer(
      {
        PORTAGE_CATALOG: platform.catalogFile,
        // Chromium keeps a connection open that never becomes idle in Node's sense; closing
        // the server waited out the default 30 s idle timeout on it after each flow.
        PORTAGE_HTTP_IDLE_TIMEOUT_MS: '2000',
        ...(database !== undefined && { PORTAGE_DATABASE_URL: database.url }),
      },
      { platform: { sourceUrl: loaded.url, filesDir: loaded.filesDir } },
    );
    const keys: Record<string, string> = {};
    for (const tenant of platform.tenants) {
      await server.runtime.store.tenants.upsert(tenant.id, tenant.name);
      keys[tenant.id] = await server.runtime.store.tenants.createKey(tenant.id);
    }
    const [holder, other] = platform.tenants.filter((t) => t.id !== platform.emptyTenant);
    return {
      platform,
      server,
      baseUrl: server.baseUrl,
      keys,
      holder: holder!.id,
      other: other!.id,
      empty: platform.emptyTenant,
      async close(passed) {
        await server.close();
        await dropIfPassed(loaded?.database ?? undefined, passed);
        await dropIfPassed(database, passed);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await loaded?.database?.drop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

// One browser and one "platform product" page for the whole file; each platform gets its own Portage.
let browser: Awaited<ReturnType<typeof launchPortalBrowser>>;
let product: Server;
let productUrl: string;
let nextLink = '';
let productTitle = '';
const passed = watchFailures();

beforeAll(async () => {
  // The platform's own product, on another site (localhost is not 127.0.0.1): its
  // "Export my data" button leads to the link its backend got from Portage.
  product = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(
      `<!doctype html><title>${productTitle}</title><a id="export" href="${nextLink}">Export my data</a>`,
    );
  });
  await new Promise<void>((resolve) => product.listen(0, '127.0.0.1', resolve));
  productUrl = `http://localhost:${(product.address() as { port: number }).port}/`;
  browser = await launchPortalBrowser([new URL(productUrl).origin]);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => product?.close(resolve));
});

/** Signs a customer in the way a platform does: its page, its button, the one-time link. */
async function signIn(
  portal: PortalServer,
  tenant: string,
  returnUrl = 'http://localhost:3000/settings',
): Promise<Page> {
  nextLink = await portalLink(portal, tenant, { return_url: returnUrl });
  productTitle = portal.platform.title;
  const page = await browser.context.newPage();
  await page.goto(productUrl);
  await page.click('#export');
  await page.waitForURL(`${portal.baseUrl}/portal`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/**
 * Every control a finger aims at that is smaller than 44 × 44 CSS px (WCAG 2.5.5):
 * buttons, the file picker, links that stand alone, and each radio or checkbox
 * row, whose label must be that tall and cover its box.
 */
async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const small = [];
    const visible = (el) => el.getClientRects().length > 0;
    const name = (el) => el.tagName.toLowerCase() + '#' + (el.id || '?') + ' "' +
      (el.textContent ?? '').trim().slice(0, 30) + '"';
    for (const el of document.querySelectorAll('button, input[type="file"], #back-link, a.download')) {
      const box = el.getBoundingClientRect();
      if (visible(el) && (box.height < 44 || box.width < 44))
        small.push(name(el) + ' ' + Math.round(box.width) + 'x' + Math.round(box.height));
    }
    for (const input of document.querySelectorAll('input[type="radio"], input[type="checkbox"]')) {
      if (!visible(input)) continue;
      const box = input.getBoundingClientRect();
      const area = document.querySelector('label[for="' + input.id + '"]')?.getBoundingClientRect();
      const covers = area !== undefined && area.height >= 44 && area.left <= box.left &&
        area.right >= box.right && area.top <= box.top && area.bottom >= box.bottom;
      if (!covers) small.push('label of ' + name(input));
    }
    return small;
  })()`);
}

/** Every element of the page that sticks out past the right edge of its parent's box. */
async function sticksOut(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const parent = el.parentElement;
      if (parent === null || el.getClientRects().length === 0) continue;
      if (getComputedStyle(parent).overflowX !== 'visible') continue;
      // Past its parent's box, or its own text past its own box.
      const inline = getComputedStyle(el).display === 'inline';
      const over = Math.max(
        el.getBoundingClientRect().right - parent.getBoundingClientRect().right,
        inline || getComputedStyle(el).overflowX !== 'visible' ? 0 : el.scrollWidth - el.clientWidth,
      );
      if (over > 0.5)
        out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' +
          Math.round(over) + 'px: "' + (el.textContent ?? '').trim().slice(0, 40) + '"');
    }
    return out;
  })()`);
}

async function waitForDone(page: Page): Promise<string> {
  await page.waitForSelector(
    '#progress-box[data-status="completed"], #progress-box[data-status="failed"]',
    { timeout: 120_000 },
  );
  return (await page.getAttribute('#progress-box', 'data-status')) ?? '';
}

/**
 * The whole flow of SPEC §12.3: the platform's button, the link, what an export
 * holds, a closure export requested, its progress shown in place, the download,
 * whose SHA-256 equals the export object's.
 */
async function closureFlow(portal: PortalServer, dir: string): Promise<void> {
  const page = await signIn(portal, portal.holder);
  await expect(page.title()).resolves.toContain(portal.platform.title);
  // What an export holds: every category of the catalog, excluded ones with their reason.
  const catalog = portal.server.runtime.catalog;
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
  // Progress shows without a reload: the text changes in place until the archive is ready.
  const status = await waitForDone(page);
  expect(status).toBe('completed');
  expect(await page.textContent('#progress-text')).toMatch(/^Ready: [\d,]+ records, /);

  await page.setViewportSize({ width: 375, height: 900 });
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `portal-${portal.platform.name}-done-375.png`),
    fullPage: true,
  });
  expect(await smallTapTargets(page)).toEqual([]);
  expect(await sticksOut(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });
  const id = (await page.getAttribute('#progress-box', 'data-export'))!;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#progress-download a.download'),
  ]);
  const file = join(dir, `${portal.platform.name}-downloaded.zip`);
  await download.saveAs(file);
  const sha256 = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  const record = await api(portal.baseUrl, 'GET', `/v1/exports/${id}`, {
    key: portal.keys[portal.holder],
  });
  expect(record.body.purpose).toBe('closure');
  expect(sha256).toBe((record.body.file as { sha256: string }).sha256);
  expect(await page.textContent('#progress-download')).toContain(sha256);

  // The past exports list shows it, with its status and expiry.
  const row = page.locator(`tr[data-export="${id}"]`);
  await expect(row.getAttribute('data-status')).resolves.toBe('completed');
  expect(browser.blocked).toEqual([]);
  expect(browser.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  await page.close();
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-portal-browser-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The customer's page in Debian's Chromium, against a running Portage (SPEC §12.3). */
for (const platform of DEMO_PLATFORMS) {
  describe(`the customer page of ${platform.title} in a real browser (state on SQLite)`, () => {
    let portal: PortalServer;

    beforeAll(async () => {
      portal = await startPortalServer(platform, 'sqlite');
      browser.allow(portal.baseUrl);
    });
    afterAll(async () => portal?.close(passed()));

    it('takes a customer from the platform button to a closure archive whose SHA-256 matches', async () => {
      await closureFlow(portal, dir);
    });

    it('can be used by keyboard alone: Tab and arrows to the purpose, Enter to request', async () => {
      const page = await signIn(portal, portal.holder);
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
      const writable = portal.server.runtime.catalog.categories.filter(
        (c) => c.included && !c.platformOwned,
      );
      const key = portal.keys[portal.other]!;
      const created = await api(portal.baseUrl, 'POST', '/v1/exports', {
        key,
        body: { purpose: 'duplication', categories: writable.map((c) => c.name) },
      });
      expect(created.status).toBe(202);
      const done = await waitForExport(portal.baseUrl, key, created.body.id as string);
      const bundle = join(dir, `${platform.name}-bundle.zip`);
      await writeFile(
        bundle,
        Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer()),
      );

      // The customer brings the bundle into their new, empty account (its own rows
      // would collide with the platform's unique columns, as on any platform).
      const page = await signIn(portal, portal.empty);
      await page.setInputFiles('#import-file', bundle);
      await page.click('#import-check');
      await page.waitForSelector('#import-result[data-status]', { timeout: 120_000 });
      const dry = await page.textContent('#import-result');
      expect(dry).toMatch(/Check passed|refused/);

      await page.check('#mode-remap');
      await page.evaluate(
        'document.getElementById("import-result").removeAttribute("data-status")',
      );
      await page.click('#import-run');
      await page.waitForSelector('#import-result[data-status]', { timeout: 120_000 });
      expect(await page.getAttribute('#import-result', 'data-status')).toBe('completed');
      expect(await page.textContent('#import-result')).toMatch(/Imported [\d,]+ records/);
      await page.close();
    });

    it('shows a clear page for a link opened twice and for an expired one, and no data', async () => {
      const link = await portalLink(portal, portal.holder);
      const page = await browser.context.newPage();
      await page.goto(link);
      await page.waitForSelector('body[data-ready="true"]');
      const again = await page.goto(link);
      expect(again?.status()).toBe(410);
      expect(await page.textContent('#notice-text')).toContain('already used');
      expect(await page.locator('#export-list').count()).toBe(0);

      const stale = await portalLink(portal, portal.holder);
      const db = new Database(portal.server.settings.databaseUrl);
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
      const theirs = await api(portal.baseUrl, 'POST', '/v1/exports', {
        key: portal.keys[portal.other],
        body: { purpose: 'audit' },
      });
      expect(theirs.status).toBe(202);
      const page = await signIn(portal, portal.holder);
      const answer = await page.evaluate(async (id) => {
        const response = await fetch(`/portal/api/exports/${id}`);
        return { status: response.status, body: (await response.json()) as { code: string } };
      }, theirs.body.id as string);
      expect(answer).toMatchObject({ status: 404, body: { code: 'not_found' } });
      expect(await page.content()).not.toContain(theirs.body.id as string);
      await page.close();
    });

    it('has no serious or critical accessibility violations (axe-core), at desktop and phone widths', async () => {
      const page = await signIn(portal, portal.holder);
      await page.check('#purpose-migration');
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({
          path: join(SCREENSHOT_DIR, `portal-${platform.name}-${width}.png`),
          fullPage: true,
        });
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
        expect(await smallTapTargets(page), `${width}px`).toEqual([]);
        expect(await sticksOut(page), `${width}px`).toEqual([]);
      }
      await page.close();
    });
  });

  describe(`the customer page of ${platform.title} on PostgreSQL (state and platform)`, () => {
    let portal: PortalServer;

    beforeAll(async () => {
      portal = await startPortalServer(platform, 'postgres');
      browser.allow(portal.baseUrl);
    });
    afterAll(async () => portal?.close(passed()));

    it('takes a customer from the platform button to a closure archive whose SHA-256 matches', async () => {
      await closureFlow(portal, dir);
    });
  });
}
