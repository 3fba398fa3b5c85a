import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_PATH } from './browser.js';
import { api, type ApiAnswer } from './http.js';
import type { TestServer } from './portage-server.js';

/** A fresh one-time portal link for a demo tenant, from POST /v1/portal-sessions. */
export async function portalLink(
  server: Pick<TestServer, 'baseUrl' | 'keys'>,
  tenant: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const answer = await api(server.baseUrl, 'POST', '/v1/portal-sessions', {
    key: server.keys[tenant],
    body,
  });
  expect(answer.status).toBe(201);
  return answer.body.url as string;
}

/** Opens a new link the way a browser would, and returns the `Cookie` header of its session. */
export async function openPortalLink(server: TestServer, tenant: string): Promise<string> {
  const opened = await fetch(await portalLink(server, tenant), { redirect: 'manual' });
  expect(opened.status).toBe(303);
  const cookie = opened.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

/** A JSON call of the page, with a session cookie. */
export function portalCall(
  server: TestServer,
  cookie: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  return api(server.baseUrl, method, path, {
    ...(options.body !== undefined && { body: options.body }),
    headers: { cookie, ...options.headers },
  });
}

/**
 * A headless Chromium that may reach `origins` (and those `allow` adds) only,
 * and records what its pages ask for and complain about.
 */
export async function launchPortalBrowser(origins: readonly string[]): Promise<{
  context: BrowserContext;
  /** Lets its pages reach one more origin (a server started after the browser). */
  allow(origin: string): void;
  /** Every URL asked for outside `origins` (aborted). */
  blocked: string[];
  /** Console errors, such as Content-Security-Policy violations. */
  consoleErrors: string[];
  close(): Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'portage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const allowed = new Set(origins);
  const blocked: string[] = [];
  const consoleErrors: string[] = [];
  await context.route(
    (url) => !allowed.has(url.origin),
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  context.on('console', (entry) => {
    if (entry.type() === 'error') consoleErrors.push(entry.text());
  });
  return {
    context,
    allow: (origin) => allowed.add(origin),
    blocked,
    consoleErrors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
