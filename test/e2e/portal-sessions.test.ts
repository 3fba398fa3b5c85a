import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_CSP } from '../../src/portal/index.js';
import { portageClient } from '../support/api-client.js';
import { api } from '../support/http.js';
import { portalLink, openPortalLink, portalCall } from '../support/portal.js';
import {
  demoDatabase,
  demoFiles,
  startServer,
  type TestServer,
} from '../support/portage-server.js';

/** SPEC §12.3: one-time links, cookie sessions, and what a stranger gets (nothing). */
describe('portal sessions over HTTP', () => {
  let dir: string;
  let server: TestServer;
  let state: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-portal-'));
    await cp(demoDatabase(), join(dir, 'platform.sqlite'));
    // initech closes its account on the platform: its key still exists in Portage.
    const db = new Database(join(dir, 'platform.sqlite'));
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM accounts WHERE id = ?').run('initech');
    db.close();
    server = await startServer(
      {},
      { platform: { sourceUrl: join(dir, 'platform.sqlite'), filesDir: demoFiles() } },
    );
    state = server.settings.databaseUrl;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Moves a stored link's or session's expiry into the past, as time passing would. */
  const expireAll = (table: 'portal_links' | 'portal_sessions') => {
    const db = new Database(state);
    db.prepare(`UPDATE ${table} SET expires_at = ?`).run('2000-01-01T00:00:00.000Z');
    db.close();
  };

  it('answers 201 with a one-time link under Portage, valid for 5 minutes', async () => {
    const before = Date.now();
    const answer = await portageClient(server.baseUrl, server.keys.acme).POST(
      '/v1/portal-sessions',
      { body: { return_url: 'https://app.example.com/settings/data' } },
    );
    expect(answer.response.status).toBe(201);
    expect(answer.response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(answer.data!).sort()).toEqual(['expires_at', 'url']);
    expect(answer.data?.url).toMatch(
      new RegExp(`^${server.baseUrl}/portal/start/[A-Za-z0-9_-]{43}$`),
    );
    const expires = Date.parse(answer.data!.expires_at);
    expect(expires - before).toBeGreaterThan(299_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(300_000);
  });

  it('takes no body at all, and refuses a body that is not JSON or names an unknown field', async () => {
    // The description says so: its request body is optional.
    const bare = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/portal-sessions');
    expect(bare.response.status).toBe(201);
    expect(bare.data?.url).toContain('/portal/start/');
    // A form body and an unknown field are what the description forbids, so sent raw.
    const text = await api(server.baseUrl, 'POST', '/v1/portal-sessions', {
      key: server.keys.acme,
      rawBody: 'return_url=https://x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(415);
    const unknown = await api(server.baseUrl, 'POST', '/v1/portal-sessions', {
      key: server.keys.acme,
      body: { tenant: 'globex' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ pointer: '/tenant', detail: 'is not a known field' }]);
  });

  it('accepts only an absolute https return_url (http on localhost), never script or credentials', async () => {
    const client = portageClient(server.baseUrl, server.keys.acme);
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'http://app.example.com/back',
      '/settings',
      '//evil.example/',
      'https://user:secret@app.example.com/',
      `https://app.example.com/${'a'.repeat(2100)}`,
    ]) {
      const answer = await client.POST('/v1/portal-sessions', { body: { return_url: bad } });
      expect(answer.response.status, bad).toBe(422);
      expect(answer.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.error).toMatchObject({ code: 'validation_failed' });
      expect(answer.error?.errors?.[0]?.pointer).toBe('/return_url');
    }
    for (const good of ['https://app.example.com/back?x=1', 'http://localhost:3000/back']) {
      const answer = await client.POST('/v1/portal-sessions', { body: { return_url: good } });
      expect(answer.response.status, good).toBe(201);
    }
  });

  it('answers 401 without a key and 403 tenant_not_found for a tenant without an account row', async () => {
    const anonymous = await portageClient(server.baseUrl).POST('/v1/portal-sessions', {
      body: {},
    });
    expect(anonymous.response.status).toBe(401);
    const gone = await portageClient(server.baseUrl, server.keys.initech).POST(
      '/v1/portal-sessions',
      { body: {} },
    );
    expect(gone.response.status).toBe(403);
    expect(gone.error).toMatchObject({ code: 'tenant_not_found' });
  });

  it('opens once: a cookie session for /portal (HttpOnly, SameSite=Strict, 1 hour), then 410', async () => {
    const url = await portalLink(server, 'acme');
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/portal');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^portage_portal=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('Path=/portal');
    expect(cookie).toContain('Max-Age=3600');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    // Served on 127.0.0.1 over plain HTTP: a Secure cookie would never come back.
    expect(cookie).not.toContain('Secure');
    // The link's token is never what the cookie holds.
    expect(cookie).not.toContain(url.split('/').at(-1)!);

    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await again.json()).toMatchObject({ code: 'portal_link_used', status: 410 });

    const page = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(PORTAL_CSP);
    const html = await page.text();
    expect(html).toContain('already used');
    expect(html).toContain('portal_link_used');
  });

  it('starts exactly one session when the same link is opened many times at once', async () => {
    const url = await portalLink(server, 'acme');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => fetch(url, { redirect: 'manual' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([303, ...Array<number>(9).fill(410)]);
    expect(answers.filter((a) => a.headers.get('set-cookie') !== null)).toHaveLength(1);
  });

  it('refuses an expired link (410), an unknown one and a malformed one (401), setting nothing', async () => {
    const url = await portalLink(server, 'acme');
    expireAll('portal_links');
    const expired = await fetch(url, { redirect: 'manual' });
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({ code: 'portal_link_expired' });
    expect(expired.headers.get('set-cookie')).toBeNull();
    for (const token of [randomBytes(32).toString('base64url'), 'x', '..%2F..%2Fetc']) {
      const answer = await fetch(`${server.baseUrl}/portal/start/${token}`, { redirect: 'manual' });
      expect(answer.status, token).toBe(401);
      expect(await answer.json()).toMatchObject({ code: 'portal_link_invalid' });
    }
  });

  it('shows the page to the session only: no cookie or a forged one gets 401 and no data', async () => {
    const cookie = await openPortalLink(server, 'acme');
    const page = await fetch(`${server.baseUrl}/portal`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(PORTAL_CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    // No inline script or style: every script has a src, no style element or attribute.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html).not.toMatch(/https?:\/\/(?!app\.example\.com)/);

    const forged = `portage_portal=${randomBytes(32).toString('base64url')}`;
    for (const headers of [{}, { cookie: forged }, { cookie: 'portage_portal=../../x' }] as Record<
      string,
      string
    >[]) {
      const denied = await fetch(`${server.baseUrl}/portal`, {
        headers: { ...headers, accept: 'text/html' },
      });
      expect(denied.status).toBe(401);
      const text = await denied.text();
      expect(text).toContain('portal_session_required');
      expect(text).not.toContain('export-list');
      const json = await fetch(`${server.baseUrl}/portal/api/exports`, { headers });
      expect(json.status).toBe(401);
      expect(await json.json()).toMatchObject({ code: 'portal_session_required' });
    }
  });

  it("never lets one tenant's cookie reach another tenant's exports", async () => {
    const globex = await portageClient(server.baseUrl, server.keys.globex).POST('/v1/exports', {
      body: { purpose: 'audit' },
    });
    expect(globex.response.status).toBe(202);
    const cookie = await openPortalLink(server, 'acme');
    const other = await portalCall(server, cookie, 'GET', `/portal/api/exports/${globex.data!.id}`);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'not_found' });
    const list = await portalCall(server, cookie, 'GET', '/portal/api/exports');
    expect((list.body.data as { id: string }[]).map((e) => e.id)).not.toContain(globex.data!.id);
    const imported = await portalCall(server, cookie, 'GET', '/portal/api/imports/imp_nothing');
    expect(imported.status).toBe(404);
  });

  it('refuses a change without the CSRF token, from another origin, or a cross-site fetch', async () => {
    const cookie = await openPortalLink(server, 'acme');
    const session = await portalCall(server, cookie, 'GET', '/portal/api/session');
    const token = session.body.csrf_token as string;
    const origin = server.baseUrl;
    const body = { purpose: 'audit' };
    const cases: [string, Record<string, string>][] = [
      ['no token', { origin }],
      ['wrong token', { origin, 'x-portage-csrf': `${token.slice(0, -2)}AA` }],
      ['no origin', { 'x-portage-csrf': token }],
      ['other origin', { origin: 'https://evil.example', 'x-portage-csrf': token }],
      ['cross-site', { origin, 'x-portage-csrf': token, 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [name, headers] of cases) {
      const answer = await portalCall(server, cookie, 'POST', '/portal/api/exports', {
        body,
        headers,
      });
      expect(answer.status, name).toBe(403);
      expect(answer.body, name).toMatchObject({ code: 'csrf_rejected' });
    }
    // Another session's token does not fit this session.
    const otherCookie = await openPortalLink(server, 'acme');
    const other = await portalCall(server, otherCookie, 'GET', '/portal/api/session');
    const crossed = await portalCall(server, cookie, 'POST', '/portal/api/exports', {
      body,
      headers: { origin, 'x-portage-csrf': other.body.csrf_token as string },
    });
    expect(crossed.status).toBe(403);
    const made = await portalCall(server, cookie, 'POST', '/portal/api/exports', {
      body,
      headers: { origin, 'x-portage-csrf': token, 'sec-fetch-site': 'same-origin' },
    });
    expect(made.status).toBe(202);
    expect(made.body).toMatchObject({ object: 'export', purpose: 'audit' });
  });

  it('ends a session when it expires, and at once on sign-out', async () => {
    const cookie = await openPortalLink(server, 'acme');
    const session = await portalCall(server, cookie, 'GET', '/portal/api/session');
    const out = await portalCall(server, cookie, 'POST', '/portal/api/sign-out', {
      headers: { origin: server.baseUrl, 'x-portage-csrf': session.body.csrf_token as string },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^portage_portal=; Path=\/portal; Max-Age=0/);
    expect((await portalCall(server, cookie, 'GET', '/portal/api/exports')).status).toBe(401);

    const later = await openPortalLink(server, 'acme');
    expireAll('portal_sessions');
    const ended = await portalCall(server, later, 'GET', '/portal/api/exports');
    expect(ended.status).toBe(401);
    expect(ended.body).toMatchObject({ code: 'portal_session_expired' });
  });

  it('describes POST /v1/portal-sessions in the OpenAPI document', async () => {
    // The description itself is no operation of the description: a plain request.
    const { body } = await api(server.baseUrl, 'GET', '/openapi.json');
    const paths = body.paths as Record<string, Record<string, Record<string, unknown>>>;
    const op = paths['/v1/portal-sessions']!.post!;
    expect(op.operationId).toBe('createPortalSession');
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(op.responses as object).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '408',
      '415',
      '422',
      '431',
      '500',
      '503',
    ]);
    const codes = (
      body.components as { schemas: Record<string, { properties: { code: { enum: string[] } } }> }
    ).schemas.Problem!.properties.code.enum;
    for (const code of [
      'portal_link_used',
      'portal_link_expired',
      'portal_link_invalid',
      'csrf_rejected',
    ])
      expect(codes).toContain(code);
  });
});
