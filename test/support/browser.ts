import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; `PORTAGE_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = process.env['PORTAGE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a headless Chromium that reaches nothing on its own (no updates, sync or probes). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless browser in its own throw-away profile, recording every request its pages make. */
export interface OfflineBrowser {
  readonly context: BrowserContext;
  /**
   * Every URL its pages asked for, `file:` ones included. Requests to anything
   * but `file:` are aborted, so a page that needs the network shows it here.
   */
  readonly requests: string[];
  /** A new page with `dialog` events recorded in `dialogs` (an `alert()` would land there). */
  newPage(): Promise<{ page: Page; dialogs: string[]; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Starts Chromium with a new temporary user-data dir; call `close()` to stop
 * it and remove the dir. `allowOrigin` (a test server's) is the one origin
 * besides `file:` its pages may reach.
 */
export async function launchOfflineBrowser(
  options: { allowOrigin?: string } = {},
): Promise<OfflineBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'portage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    offline: options.allowOrigin === undefined,
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route(
    (url) => url.protocol !== 'file:' && url.origin !== options.allowOrigin,
    (route) => route.abort('blockedbyclient'),
  );
  return {
    context,
    requests,
    async newPage() {
      const page = await context.newPage();
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, dialogs, errors };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
