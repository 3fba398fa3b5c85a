import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Manifest } from '../../src/archive/index.js';
import { DEMO_PLATFORMS, type DemoPlatform } from '../../src/demo/index.js';
import { extractArchive } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import {
  demoDatabase,
  demoFiles,
  startServer,
  type TestServer,
} from '../support/portage-server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const HOUR = 3_600_000;

/** Follows a mail's link (`/v1/exports/{id}/email-link?expires=&signature=`) as a client does. */
function followLink(baseUrl: string, link: URL) {
  const id = link.pathname.split('/')[3]!;
  return portageClient(baseUrl).GET('/v1/exports/{id}/email-link', {
    params: { path: { id }, query: Object.fromEntries(link.searchParams) },
  });
}
const ADDRESS = 'ada.lovelace+exports@customer.example';
const FROM = 'Portage exports <exports@portage.example>';
const METRICS_TOKEN = 'mail-metrics-token';

/** A clock the test moves forward: the server's "now" is the real one plus `offsetMs`. */
function testClock(): { now: () => Date; advance: (ms: number) => void } {
  let offsetMs = 0;
  return { now: () => new Date(Date.now() + offsetMs), advance: (ms) => (offsetMs += ms) };
}

/** Every line the server wrote: request log, and the worker's and mailer's stderr. */
function captureLogs(): { stream: Writable; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  for (const method of ['error', 'warn', 'log', 'info'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(
        args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '),
      );
    });
  }
  return { stream, text: () => lines.join('\n') };
}

/** The Portage link in a mail's text part. */
function linkIn(text: string): string {
  const match = /https?:\/\/\S+\/email-link\?\S+/.exec(text);
  if (match === null) throw new Error(`no email link in:\n${text}`);
  return match[0];
}

async function startPlatform(
  platform: DemoPlatform,
  smtp: TestSmtpServer,
  clock: () => Date,
  logStream?: Writable,
): Promise<{ server: TestServer; tenant: string; key: string }> {
  const server = await startServer(
    {
      PORTAGE_SMTP_URL: smtp.url,
      PORTAGE_MAIL_FROM: FROM,
      PORTAGE_CATALOG: platform.catalogFile,
      PORTAGE_METRICS_TOKEN: METRICS_TOKEN,
    },
    {
      platform: { sourceUrl: demoDatabase(platform), filesDir: demoFiles() },
      clock,
      ...(logStream !== undefined && { logStream }),
    },
  );
  const tenant = tenantOf(platform);
  await server.runtime.store.tenants.upsert(tenant, tenant);
  const key = await server.runtime.store.tenants.createKey(tenant);
  return { server, tenant, key };
}

/** A tenant of the platform that holds data. */
function tenantOf(platform: DemoPlatform): string {
  return platform.tenants.find((t) => t.id !== platform.emptyTenant)!.id;
}

afterEach(() => {
  vi.restoreAllMocks();
});

for (const platform of DEMO_PLATFORMS) {
  describe(`the export mail on ${platform.title}`, () => {
    let smtp: TestSmtpServer;
    beforeAll(async () => {
      smtp = await startSmtpServer();
    });
    afterAll(async () => smtp?.close());

    it('mails what is inside with a link that still downloads the archive 23 hours later, and 410 once it expired; the address is never logged', async () => {
      const logs = captureLogs();
      const clock = testClock();
      const { server, key } = await startPlatform(platform, smtp, clock.now, logs.stream);
      try {
        const client = portageClient(server.baseUrl, key);
        const created = await client.POST('/v1/exports', {
          body: { purpose: 'migration', notify_email: ADDRESS },
        });
        expect(created.response.status).toBe(202);
        expect(created.data?.notify_email).toBe(ADDRESS);
        const done = await waitForExport(server.baseUrl, key, created.data!.id);
        expect(done.status).toBe('completed');
        expect(done.notify_email).toBe(ADDRESS);
        const file = done.file as { name: string; sha256: string; bytes: number };

        const { to, mail } = await smtp.nextMail();
        expect(to).toEqual([ADDRESS]);
        expect(mail.from?.value).toEqual([
          { name: 'Portage exports', address: 'exports@portage.example' },
        ]);
        expect(mail.subject).toMatch(/data export is ready/);
        const text = mail.text ?? '';
        const html = typeof mail.html === 'string' ? mail.html : '';
        expect(html).toMatch(/^<!doctype html>/);
        expect(html).not.toMatch(/<script/i);
        const link = linkIn(text);
        expect(
          link.startsWith(`${server.baseUrl}/v1/exports/${done.id as string}/email-link?`),
        ).toBe(true);
        expect(html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
        expect(text).toContain(file.sha256);
        expect(html).toContain(file.sha256);

        // The next day: the link still works and mints a fresh download.
        clock.advance(23 * HOUR);
        const followed = await fetch(link, { redirect: 'manual' });
        expect(followed.status).toBe(302);
        expect(followed.headers.get('cache-control')).toBe('no-store');
        const downloadUrl = followed.headers.get('location')!;
        const expires = Number(new URL(downloadUrl).searchParams.get('expires'));
        expect(expires * 1000).toBeGreaterThan(Date.now() + 23 * HOUR);
        const download = await fetch(downloadUrl);
        expect(download.status).toBe(200);
        const bytes = Buffer.from(await download.arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);

        // What the mail says is inside is what the archive holds.
        const archive = await extractArchive(bytes);
        const manifest = await archive.json<Manifest>('manifest.json');
        for (const part of [text, html]) {
          expect(part).toContain(manifest.content_sha256);
          expect(part).toContain(manifest.export.purpose);
        }
        expect(text).toContain(manifest.export.account_name);
        expect(html).toContain(
          manifest.export.account_name.replace(/&/g, '&amp;').replace(/'/g, '&#39;'),
        );
        const requested = manifest.categories.filter((c) => c.included && c.requested);
        expect(requested.length).toBeGreaterThan(0);
        for (const category of requested) {
          const rows = 'rows' in category ? (category.rows ?? 0) : 0;
          expect(text).toContain(
            `${category.title} (${category.name}): ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`,
          );
        }
        await rm(join(archive.dir, '..'), { recursive: true, force: true });

        // After the archive expired: 410, as a page for a browser and a problem for a client.
        clock.advance(7 * 24 * HOUR);
        const page = await fetch(link, {
          headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
        });
        expect(page.status).toBe(410);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
        const body = await page.text();
        expect(body).toMatch(/^<!doctype html>/);
        expect(body).toMatch(/<h1>This export has expired<\/h1>/);
        expect(body).toContain('export_expired');
        expect(body).not.toMatch(/<script/i);
        const problem = await followLink(server.baseUrl, new URL(link));
        expect(problem.response.status).toBe(410);
        expect(problem.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(problem.error?.code).toBe('export_expired');

        const outbox = await server.runtime.store.mails.get(done.id as string);
        expect(outbox).toMatchObject({ status: 'sent', attempts: 1, lastError: null });

        // The tenant sees the mail was sent, without the address; another tenant sees nothing.
        const ofExport = { params: { path: { id: done.id as string } } };
        const shown = await client.GET('/v1/exports/{id}/mail', ofExport);
        expect(shown.response.status).toBe(200);
        expect(shown.data).toMatchObject({
          object: 'export_mail',
          export_id: done.id,
          status: 'sent',
          attempts: 1,
          next_attempt_at: null,
          last_error: null,
        });
        expect(Date.parse(shown.data!.sent_at!)).not.toBeNaN();
        expect(JSON.stringify(shown.data)).not.toContain('customer.example');
        const other = platform.emptyTenant;
        await server.runtime.store.tenants.upsert(other, other);
        const otherKey = await server.runtime.store.tenants.createKey(other);
        const foreign = await portageClient(server.baseUrl, otherKey).GET(
          '/v1/exports/{id}/mail',
          ofExport,
        );
        expect(foreign.response.status).toBe(404);
        expect(foreign.error?.code).toBe('not_found');
        const metrics = await fetch(new URL('/metrics', server.baseUrl), {
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        const counted = await metrics.text();
        expect(counted).toContain('portage_export_mails{outcome="sent"} 1');
        expect(counted).not.toContain('customer.example');
      } finally {
        await server.close();
      }
      const written = logs.text();
      expect(written).toContain('email-link');
      expect(written).toMatch(/mail for export exp_[0-9a-z]+ \(attempt 1\): sent/);
      for (const form of [ADDRESS, encodeURIComponent(ADDRESS), 'ada.lovelace', 'customer.example'])
        expect(written).not.toContain(form);
    });
  });
}

describe('the export mail', () => {
  const platform = DEMO_PLATFORMS[0]!;
  let smtp: TestSmtpServer;
  let dir: string;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    dir = await mkdtemp(join(tmpdir(), 'portage-mail-'));
  });
  afterAll(async () => {
    await smtp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a link that was altered, with a page for a browser and a problem for a client', async () => {
    const clock = testClock();
    const { server, key } = await startPlatform(platform, smtp, clock.now);
    try {
      const created = await portageClient(server.baseUrl, key).POST('/v1/exports', {
        body: { purpose: 'migration', notify_email: ADDRESS },
      });
      await waitForExport(server.baseUrl, key, created.data!.id);
      const link = new URL(linkIn((await smtp.nextMail()).mail.text ?? ''));
      const signature = link.searchParams.get('signature')!;
      const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      const altered = [
        `${link.pathname}?expires=${link.searchParams.get('expires')}&signature=${flipped}`,
        `${link.pathname}?expires=${Number(link.searchParams.get('expires')) + 86_400}&signature=${signature}`,
        `${link.pathname.replace(created.data!.id, 'exp_000000000000000000000000')}${link.search}`,
        link.pathname,
        // The export's own download signature is not a mail link's.
        `${link.pathname}?expires=1&signature=<script>alert(1)</script>`,
      ];
      for (const path of altered) {
        const page = await fetch(new URL(path, server.baseUrl), {
          headers: { accept: 'text/html' },
          redirect: 'manual',
        });
        expect(page.status, path).toBe(403);
        const body = await page.text();
        expect(body, path).toMatch(/<h1>This link is not valid<\/h1>/);
        expect(body, path).not.toMatch(/<script/i);
        expect(body).not.toContain('PK');
        const problem = await followLink(server.baseUrl, new URL(path, server.baseUrl));
        expect(problem.response.status, path).toBe(403);
        expect(problem.error?.code, path).toBe('download_link_invalid');
      }
    } finally {
      await server.close();
    }
  });

  it("mails a failed export's reason, as the export object gives it to the tenant", async () => {
    const broken = join(dir, 'broken.yaml');
    const catalog = parse(await readFile(platform.catalogFile, 'utf8')) as {
      categories: { name: string; account?: unknown; fields?: { name: string }[] }[];
    };
    const category = catalog.categories.find((c) => c.account === undefined && c.fields)!;
    category.fields!.at(-1)!.name = 'no_such_column';
    await writeFile(broken, stringify(catalog));
    const server = await startServer(
      { PORTAGE_SMTP_URL: smtp.url, PORTAGE_MAIL_FROM: FROM, PORTAGE_CATALOG: broken },
      { clock: testClock().now },
    );
    try {
      const key = server.keys[tenantOf(platform)]!;
      const created = await portageClient(server.baseUrl, key).POST('/v1/exports', {
        body: { purpose: 'migration', notify_email: ADDRESS },
      });
      const done = await waitForExport(server.baseUrl, key, created.data!.id);
      expect(done.status).toBe('failed');
      const error = done.error as { code: string; message: string };
      const { to, mail } = await smtp.nextMail();
      expect(to).toEqual([ADDRESS]);
      expect(mail.subject).toMatch(/could not be completed/);
      expect(mail.text).toContain(`Reason: ${error.message}`);
      expect(mail.text).toContain(error.code);
      expect(mail.text).not.toMatch(/email-link|\n\s+at /);
      expect(typeof mail.html === 'string' && mail.html).toContain(error.code);
    } finally {
      await server.close();
    }
  });

  it('sends no mail for a canceled export', async () => {
    const server = await startServer(
      { PORTAGE_SMTP_URL: smtp.url, PORTAGE_MAIL_FROM: FROM },
      { worker: false },
    );
    try {
      const key = server.keys[tenantOf(platform)]!;
      const client = portageClient(server.baseUrl, key);
      const created = await client.POST('/v1/exports', {
        body: { purpose: 'migration', notify_email: ADDRESS },
      });
      const id = created.data!.id;
      const ofExport = { params: { path: { id } } };
      // Not ended yet: the mail is pending, no attempt made.
      expect((await client.GET('/v1/exports/{id}/mail', ofExport)).data).toMatchObject({
        status: 'pending',
        attempts: 0,
        sent_at: null,
      });
      const silent = await client.POST('/v1/exports', { body: { purpose: 'migration' } });
      expect(
        (
          await client.GET('/v1/exports/{id}/mail', {
            params: { path: { id: silent.data!.id } },
          })
        ).data,
      ).toMatchObject({ status: 'none', attempts: 0 });
      const canceled = await client.DELETE('/v1/exports/{id}', ofExport);
      expect(canceled.data).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
      await server.runtime.store.mails.enqueueEnded(new Date());
      expect(await server.runtime.store.mails.get(id)).toMatchObject({
        status: 'skipped',
      });
      expect((await client.GET('/v1/exports/{id}/mail', ofExport)).data).toMatchObject({
        status: 'skipped',
        sent_at: null,
      });
    } finally {
      await server.close();
    }
  });
});
