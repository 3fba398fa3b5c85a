import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { extractArchive } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import type { operations } from '../support/portage-api.js';
import { waitForExport } from '../support/http.js';
import { demoDatabase, startServer, type TestServer } from '../support/portage-server.js';
import { editBundle } from './import-fixtures.js';

async function waitForImport(
  server: TestServer,
  key: string,
  id: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { data } = await portageClient(server.baseUrl, key).GET('/v1/imports/{id}', {
      params: { path: { id } },
    });
    const body = data as Record<string, unknown>;
    if (body.status !== 'pending' && body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${String(body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function postImport(
  server: TestServer,
  key: string | undefined,
  bytes: Buffer,
  query = '',
  type = 'application/zip',
) {
  const response = await fetch(new URL(`/v1/imports${query}`, server.baseUrl), {
    method: 'POST',
    headers: { ...(key && { authorization: `Bearer ${key}` }), 'content-type': type },
    body: bytes,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

type ExportRequest = operations['createExport']['requestBody']['content']['application/json'];

async function exportBytes(server: TestServer, key: string, body: ExportRequest): Promise<Buffer> {
  const created = await portageClient(server.baseUrl, key).POST('/v1/exports', { body });
  expect(created.response.status).toBe(202);
  const done = await waitForExport(server.baseUrl, key, created.data!.id);
  expect(done.status).toBe('completed');
  return Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer());
}

describe('a duplication round trip over HTTP', () => {
  let dir: string;
  let server: TestServer;
  let bundle: Buffer;
  let acme: Manifest;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-import-api-'));
    await cp(demoDatabase(), join(dir, 'platform.sqlite'));
    await cp(join(demoDatabase(), '..', 'demo-files'), join(dir, 'files'), { recursive: true });
    server = await startServer(
      {},
      { platform: { sourceUrl: join(dir, 'platform.sqlite'), filesDir: join(dir, 'files') } },
    );
    // Platform-owned categories (billing, history) are left out: an unsigned bundle may not write them.
    const writable = server.runtime.catalog.categories.filter(
      (c) => c.included && !c.platformOwned,
    );
    bundle = await exportBytes(server, server.keys.acme!, {
      purpose: 'duplication',
      categories: writable.map((c) => c.name),
    });
    acme = await (await extractArchive(bundle)).json<Manifest>('manifest.json');
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports a bundle with bundle.json and JSON Lines data', async () => {
    const archive = await extractArchive(bundle);
    const header = await archive.json<{ format: string; catalog_version: string }>('bundle.json');
    expect(header).toMatchObject({
      format: 'portage-bundle',
      catalog_version: server.runtime.catalog.version,
    });
    expect(acme.export.formats).toEqual(['bundle']);
    expect(
      acme.categories.flatMap((c) => (c.included ? c.files.map((f) => f.path) : [])),
    ).toContain('data/tasks.jsonl');
  });

  it("dry-runs a preserve import: another tenant's keys are not told, the caller's own are named (id_conflict)", async () => {
    const posted = await postImport(
      server,
      server.keys.sandbox,
      bundle,
      '?mode=preserve&dry_run=true',
    );
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({
      object: 'import',
      status: 'pending',
      mode: 'preserve',
      dry_run: true,
      trusted: false,
      error: null,
    });
    const elsewhere = await waitForImport(server, server.keys.sandbox!, posted.body.id as string);
    expect(elsewhere).toMatchObject({ status: 'completed', conflicts: [], error: null });

    const own = await postImport(server, server.keys.acme, bundle, '?mode=preserve&dry_run=true');
    const done = await waitForImport(server, server.keys.acme!, own.body.id as string);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'id_conflict' } });
    const conflicts = done.conflicts as { category: string; key: unknown }[];
    expect(conflicts.length).toBeGreaterThan(0);
    expect(Object.keys(conflicts[0]!).sort()).toEqual(['category', 'key']);
    const db = new Database(join(dir, 'platform.sqlite'), { readonly: true });
    expect(db.prepare("SELECT count(*) FROM tasks WHERE tenant_id = 'sandbox'").pluck().get()).toBe(
      0,
    );
    db.close();
  });

  it('refuses the billing and history records of an unsigned bundle (untrusted_bundle)', async () => {
    const signed = join(await mkdtemp(join(tmpdir(), 'portage-unsigned-')), 'signed.zip');
    await writeFile(
      signed,
      await exportBytes(server, server.keys.acme!, { purpose: 'duplication' }),
    );
    // Without its signature, nothing proves where the bundle comes from.
    const unsigned = await editBundle(signed, (p, b) => (p === 'manifest.sig' ? null : b), false);
    const posted = await postImport(
      server,
      server.keys.initech,
      await readFile(unsigned),
      '?mode=remap',
    );
    const done = await waitForImport(server, server.keys.initech!, posted.body.id as string);
    expect(done).toMatchObject({
      status: 'failed',
      trusted: false,
      error: { code: 'untrusted_bundle' },
    });
    for (const name of ['invoices', 'payment_methods', 'audit_events', 'webhook_deliveries']) {
      expect((done.error as { message: string }).message).toContain(`"${name}"`);
    }
  });

  it('imports with remap into sandbox: every category arrives with the same row count', async () => {
    const posted = await postImport(server, server.keys.sandbox, bundle, '?mode=remap');
    expect(posted.status).toBe(202);
    expect(posted.headers.get('location')).toBe(`/v1/imports/${String(posted.body.id)}`);
    const done = await waitForImport(server, server.keys.sandbox!, posted.body.id as string);
    expect(done).toMatchObject({ status: 'completed', mode: 'remap', error: null });
    const copy = await (
      await extractArchive(
        await exportBytes(server, server.keys.sandbox!, {
          purpose: 'migration',
          formats: ['jsonl'],
        }),
      )
    ).json<Manifest>('manifest.json');
    for (const category of acme.categories) {
      if (!category.included || !category.requested || category.name === 'account') continue;
      const counts = done.counts as Record<string, number>;
      expect(counts[category.name], category.name).toBe(category.rows);
      const copied = copy.categories.find((c) => c.name === category.name);
      expect(copied && 'rows' in copied ? copied.rows : -1, category.name).toBe(category.rows);
    }
  });

  it('refuses what is not a bundle, and answers the usual errors', async () => {
    const migration = await exportBytes(server, server.keys.globex!, {
      purpose: 'migration',
      formats: ['jsonl'],
    });
    const posted = await postImport(server, server.keys.initech, migration);
    const done = await waitForImport(server, server.keys.initech!, posted.body.id as string);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'not_a_bundle' } });
    expect((await postImport(server, undefined, bundle)).status).toBe(401);
    const wrongType = await postImport(
      server,
      server.keys.initech,
      bundle,
      '',
      'application/octet-stream',
    );
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.code).toBe('unsupported_media_type');
    const badMode = await postImport(server, server.keys.initech, bundle, '?mode=merge');
    expect(badMode.status).toBe(422);
    const foreign = await portageClient(server.baseUrl, server.keys.globex).GET(
      '/v1/imports/{id}',
      { params: { path: { id: posted.body.id as string } } },
    );
    expect(foreign.response.status).toBe(404);
  });
});
