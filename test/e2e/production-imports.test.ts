import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoPlatform } from '../../src/demo/index.js';
import { importUploadKey } from '../../src/jobs/import-upload.js';
import { FileStore } from '../../src/storage/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { portageClient } from '../support/api-client.js';
import { spawnApi, type PortageProcess } from '../support/portage-process.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { catalog, exportBundle, writableCategories } from './import-fixtures.js';

// Two stateless API processes, each with a data directory of its own, on one
// PostgreSQL state and one shared archive store: an import uploaded to one is
// run by whichever claims it, and one whose process died is taken over.
describe('imports across API processes', { timeout: 90_000 }, () => {
  let database: TestDatabase;
  let root: string;
  let store: Store;
  let storage: FileStore;
  let bundle: string;
  let apis: (PortageProcess & { baseUrl: string })[] = [];
  const keys: Record<string, string> = {};
  /** Imports a process claimed and then died running: once, and as often as allowed. */
  let diedOnce: string;
  let diedTwice: string;
  const passed = watchFailures();

  beforeAll(async () => {
    database = await createTestDatabase();
    root = await mkdtemp(join(tmpdir(), 'portage-prod-imports-'));
    const platform = {
      db: join(root, 'platform.sqlite'),
      filesDir: join(root, 'platform-files'),
    };
    await generateDemoPlatform({ file: platform.db, filesDir: platform.filesDir });
    bundle = (
      await exportBundle(platform, 'acme', 'duplication', ['bundle'], catalog, writableCategories)
    ).file;
    store = await openStore(database.url);
    for (const tenant of ['acme', 'sandbox']) {
      await store.tenants.upsert(tenant, tenant);
      keys[tenant] = await store.tenants.createKey(tenant);
    }
    storage = new FileStore(join(root, 'archives'));
    const env = async (name: string) => {
      await mkdir(join(root, name));
      return {
        PORTAGE_DATABASE_URL: database.url,
        PORTAGE_SOURCE_URL: platform.db,
        PORTAGE_FILES_DIR: platform.filesDir,
        PORTAGE_DATA_DIR: join(root, name),
        PORTAGE_STORAGE_URL: `file://${storage.root}`,
        PORTAGE_LEASE_SECONDS: '2',
        PORTAGE_REAPER_SECONDS: '1',
        PORTAGE_MAX_ATTEMPTS: '2',
      };
    };
    // Before any API process runs: each claim's lease lapsed long ago, as a dead process leaves it.
    const longAgo = (ms: number) => new Date(Date.now() - ms);
    diedOnce = await storedImport();
    expect(await store.imports.claim(diedOnce, 'gone:1:dead', 1, longAgo(60_000))).not.toBeNull();
    diedTwice = await storedImport();
    expect(await store.imports.claim(diedTwice, 'gone:1:dead', 1, longAgo(60_000))).not.toBeNull();
    expect(await store.imports.claim(diedTwice, 'gone:2:dead', 1, longAgo(30_000))).not.toBeNull();
    apis = [await spawnApi(await env('api-1')), await spawnApi(await env('api-2'))];
  });

  afterAll(async () => {
    await Promise.all(apis.map((p) => p.stop('SIGKILL')));
    await store?.close();
    await dropIfPassed(database, passed(), [root]);
  });

  /** Polls the import through `baseUrl` until it has finished. */
  async function finished(baseUrl: string, id: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { data } = await portageClient(baseUrl, keys.sandbox).GET('/v1/imports/{id}', {
        params: { path: { id } },
      });
      const body = data as Record<string, unknown>;
      if (body.status === 'completed' || body.status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`import ${id} still ${String(body.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Puts the bundle where an API process would have stored its upload, and records a pending import. */
  async function storedImport(): Promise<string> {
    const id = store.imports.newId();
    const bytes = await readFile(bundle);
    const pending = await storage.beginWrite(importUploadKey(id));
    await pipeline(createReadStream(bundle), pending.writable);
    await pending.publish({
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    await store.imports.create({
      id,
      tenantId: 'sandbox',
      mode: 'remap',
      dryRun: true,
      uploadKey: importUploadKey(id),
      uploadBytes: bytes.length,
    });
    return id;
  }

  const uploads = async () =>
    (await readdir(join(storage.root, 'imports')).catch(() => [])).filter((f) =>
      f.endsWith('.zip'),
    );

  it('runs an import uploaded to one process, seen from the other, and deletes its upload', async () => {
    const response = await fetch(new URL('/v1/imports?mode=remap', apis[0]!.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.sandbox}`, 'content-type': 'application/zip' },
      body: await readFile(bundle),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const done = await finished(apis[1]!.baseUrl, id);
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect((done.counts as Record<string, number>).tasks).toBeGreaterThan(0);
    expect((await store.imports.getById(id))?.attempts).toBe(1);
    expect(await uploads()).not.toContain(`${id}.zip`);
    // Nothing was kept in either process's own data directory.
    for (const name of ['api-1', 'api-2']) {
      expect(await readdir(join(root, name, 'imports')).catch(() => [])).toEqual([]);
    }
  });

  it('takes over an import whose process stopped renewing its lease', async () => {
    const id = diedOnce;
    const done = await finished(apis[0]!.baseUrl, id);
    expect(done).toMatchObject({ status: 'completed', dry_run: true, error: null });
    const record = await store.imports.getById(id);
    expect(record?.attempts).toBe(2);
  });

  it('fails an import whose process stopped during each of its attempts', async () => {
    const done = await finished(apis[1]!.baseUrl, diedTwice);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'attempts_exhausted' } });
    expect((done.error as { message: string }).message).toMatch(/started 2 times/);
    // Every import has finished: no upload is left in the store.
    expect(await uploads()).toEqual([]);
  });
});
