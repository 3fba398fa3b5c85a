import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG_FILE, generateDemoPlatform } from '../../src/demo/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { portageClient } from '../support/api-client.js';
import { extractArchive, sha256sumCheck } from '../support/archive.js';
import { waitForExport } from '../support/http.js';
import { spawnPortage, type PortageProcess } from '../support/portage-process.js';
import { startServer } from '../support/portage-server.js';
import { dropIfPassed, watchFailures } from '../support/postgres.js';
import { catalog, exportBundle, writableCategories } from './import-fixtures.js';

type ExportBody = Record<string, unknown> & {
  status: string;
  progress: { categories_total: number; categories_done: number; rows_written: number };
  error: { code: string; message: string } | null;
};

// `portage serve` (built `dist/`) with its workers, which run on a worker
// thread: what an export does there must reach the API as it did when it ran
// on the thread that answers requests.
describe('portage serve with its workers on a thread', { timeout: 120_000 }, () => {
  let dir: string;
  let store: Store;
  let env: Record<string, string>;
  const keys: Record<string, string> = {};
  const started: PortageProcess[] = [];
  const passed = watchFailures();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-serve-thread-'));
    // Large enough that an export runs for a few seconds, to be caught mid-flight.
    await generateDemoPlatform({
      file: join(dir, 'demo-platform.sqlite'),
      filesDir: join(dir, 'demo-files'),
      scale: 5,
    });
    store = await openStore(join(dir, 'state', 'portage.sqlite'));
    for (const tenant of ['acme', 'globex', 'initech']) {
      await store.tenants.upsert(tenant, tenant);
      keys[tenant] = await store.tenants.createKey(tenant);
    }
    env = {
      PORTAGE_DATA_DIR: dir,
      PORTAGE_DATABASE_URL: join(dir, 'state', 'portage.sqlite'),
      PORTAGE_SOURCE_URL: join(dir, 'demo-platform.sqlite'),
      PORTAGE_FILES_DIR: join(dir, 'demo-files'),
      PORTAGE_STORAGE_URL: `file://${join(dir, 'archives')}`,
      PORTAGE_POLL_MS: '50',
      PORTAGE_LEASE_SECONDS: '5',
      PORTAGE_LIMIT_PER_DAY: '100',
      PORTAGE_LIMIT_PER_MONTH: '100',
      PORT: '0',
      PORTAGE_HOST: '127.0.0.1',
    };
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    await store?.close();
    await dropIfPassed(undefined, passed(), [dir]);
  });

  /** Starts `portage serve` with its workers; `baseUrl` is where it listens. */
  const serve = async (more: Record<string, string> = {}) => {
    const server = await spawnPortage(
      ['serve'],
      { ...env, ...more },
      /Server listening at http:\/\/127\.0\.0\.1:\d+/,
      60_000,
    );
    started.push(server);
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output());
    return Object.assign(server, { baseUrl: match![1]! });
  };
  const create = async (baseUrl: string, tenant: string): Promise<string> => {
    const created = await portageClient(baseUrl, keys[tenant]).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    return created.data!.id;
  };
  const get = async (baseUrl: string, tenant: string, id: string): Promise<ExportBody> => {
    const answer = await fetch(`${baseUrl}/v1/exports/${id}`, {
      headers: { authorization: `Bearer ${keys[tenant]}` },
    });
    expect(answer.status).toBe(200);
    return (await answer.json()) as ExportBody;
  };
  /** Polls until the export runs and has written rows: the thread's progress reached the API. */
  const midFlight = async (baseUrl: string, tenant: string, id: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const now = await get(baseUrl, tenant, id);
      if (now.status === 'running' && now.progress.rows_written > 0) return now;
      if (now.status !== 'pending' && now.status !== 'running')
        throw new Error(`export ${id} ended before it was seen mid-flight: ${JSON.stringify(now)}`);
      if (Date.now() > deadline) throw new Error(`export ${id}: ${JSON.stringify(now)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const published = async (tenant: string) =>
    existsSync(join(dir, 'archives', 'exports', tenant))
      ? await readdir(join(dir, 'archives', 'exports', tenant))
      : [];
  const temporary = async () =>
    existsSync(join(dir, 'archives', '.tmp')) ? await readdir(join(dir, 'archives', '.tmp')) : [];

  it('shows the progress the thread makes, moving forward, and ends with a whole archive', async () => {
    const server = await serve();
    const id = await create(server.baseUrl, 'acme');
    const seen: ExportBody['progress'][] = [(await midFlight(server.baseUrl, 'acme', id)).progress];
    let now = await get(server.baseUrl, 'acme', id);
    while (now.status === 'running') {
      seen.push(now.progress);
      now = await get(server.baseUrl, 'acme', id);
    }
    expect(now.status).toBe('completed');
    expect(seen[0]!.categories_done).toBeLessThan(seen[0]!.categories_total);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.rows_written).toBeGreaterThanOrEqual(seen[i - 1]!.rows_written);
      expect(seen[i]!.categories_done).toBeGreaterThanOrEqual(seen[i - 1]!.categories_done);
    }
    expect(now.progress.categories_done).toBe(now.progress.categories_total);
    expect(now.progress.rows_written).toBeGreaterThan(seen[0]!.rows_written);

    const download = await fetch(`${server.baseUrl}/v1/exports/${id}/download`, {
      headers: { authorization: `Bearer ${keys.acme}` },
    });
    expect(download.status).toBe(200);
    const archive = await extractArchive(Buffer.from(await download.arrayBuffer()));
    expect(archive.sha256).toBe((now.file as { sha256: string }).sha256);
    expect(await sha256sumCheck(archive.dir)).not.toMatch(/FAILED/);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('stops the export in the thread when it is canceled, leaving no object behind', async () => {
    const server = await serve();
    const leftovers = await temporary();
    const id = await create(server.baseUrl, 'globex');
    await midFlight(server.baseUrl, 'globex', id);
    const canceled = await fetch(`${server.baseUrl}/v1/exports/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${keys.globex}` },
    });
    expect(canceled.status).toBe(200);
    expect(await canceled.json()).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
    // The thread notices at its next progress write or heartbeat, and removes what it wrote.
    const deadline = Date.now() + 20_000;
    while ((await temporary()).length > leftovers.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await temporary()).toEqual(leftovers);
    expect(await published('globex')).toEqual([]);
    const after = await get(server.baseUrl, 'globex', id);
    expect(after).toMatchObject({ status: 'failed', error: { code: 'canceled' }, file: null });
    // The thread goes on taking work.
    const next = await create(server.baseUrl, 'globex');
    expect(await waitForExport(server.baseUrl, keys.globex!, next)).toMatchObject({
      status: 'completed',
    });
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('answers a failure in the thread with the code and message of one in the same process', async () => {
    const broken = join(dir, 'broken.yaml');
    const text = await readFile(DEMO_CATALOG_FILE, 'utf8');
    await writeFile(
      broken,
      text.replace(
        '{ column: task_id, table: tasks, key: id }',
        '{ column: task_id, table: tasks, key: idz }',
      ),
    );
    expect(await readFile(broken, 'utf8')).not.toBe(text);

    const server = await serve({ PORTAGE_CATALOG: broken });
    const id = await create(server.baseUrl, 'initech');
    const threaded = await waitForExport(server.baseUrl, keys.initech!, id);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const inProcess = await startServer({ PORTAGE_CATALOG: broken });
    try {
      const created = await portageClient(inProcess.baseUrl, inProcess.keys.initech).POST(
        '/v1/exports',
        { body: { purpose: 'migration' } },
      );
      const same = await waitForExport(
        inProcess.baseUrl,
        inProcess.keys.initech!,
        created.data!.id,
      );
      expect(same).toMatchObject({ status: 'failed', error: { code: 'source_read_failed' } });
      expect(threaded).toMatchObject({ status: 'failed', file: null });
      expect(threaded.error).toEqual(same.error);
    } finally {
      await inProcess.close();
    }
    expect(await published('initech')).toEqual([]);
  });

  it('leaves nothing half-written when killed mid-export; the next start publishes it whole', async () => {
    const killed = await serve();
    const id = await create(killed.baseUrl, 'acme');
    await midFlight(killed.baseUrl, 'acme', id);
    const before = await published('acme');
    await killed.stop('SIGKILL');
    // Whatever the thread wrote is a temporary object: nothing was published, nothing recorded.
    expect(await published('acme')).toEqual(before);
    expect(await store.exports.getById(id)).toMatchObject({ status: 'running', storageKey: null });

    const next = await serve();
    const done = await waitForExport(next.baseUrl, keys.acme!, id);
    expect(done.status).toBe('completed');
    expect((await store.exports.getById(id))?.attempts).toBe(2);
    const name = (done.file as { name: string }).name;
    expect(await published('acme')).toEqual([...before, name].sort());
    const download = await fetch(`${next.baseUrl}/v1/exports/${id}/download`, {
      headers: { authorization: `Bearer ${keys.acme}` },
    });
    const archive = await extractArchive(Buffer.from(await download.arrayBuffer()));
    expect(archive.sha256).toBe((done.file as { sha256: string }).sha256);
    expect(await sha256sumCheck(archive.dir)).not.toMatch(/FAILED/);
    expect(await next.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('drains the thread on SIGTERM: exits 0 and gives the running export back', async () => {
    const draining = await serve({ PORTAGE_SHUTDOWN_GRACE_SECONDS: '0' });
    const leftovers = await temporary();
    const id = await create(draining.baseUrl, 'initech');
    await midFlight(draining.baseUrl, 'initech', id);
    expect(await draining.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await store.exports.getById(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await temporary()).toEqual(leftovers);

    const next = await serve();
    expect((await waitForExport(next.baseUrl, keys.initech!, id)).status).toBe('completed');
    expect(await next.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('runs an accepted import without waiting for a sweep, and finishes it before exiting on SIGTERM', async () => {
    const platform = { db: env.PORTAGE_SOURCE_URL!, filesDir: env.PORTAGE_FILES_DIR! };
    const bundle = await exportBundle(
      platform,
      'acme',
      'duplication',
      ['bundle'],
      catalog,
      writableCategories,
    );
    // A tenant of its own: the copy's settings would clash with a tenant's own.
    await store.tenants.upsert('sandbox', 'sandbox');
    const key = await store.tenants.createKey('sandbox');
    // No sweep for an hour: the server runs the import because the API handed it over.
    const server = await serve({ PORTAGE_REAPER_SECONDS: '3600' });
    const response = await fetch(new URL('/v1/imports?mode=remap', server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/zip' },
      body: await readFile(bundle.file),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const deadline = Date.now() + 30_000;
    while ((await store.imports.getById(id))?.status !== 'running') {
      if (Date.now() > deadline) throw new Error(`import ${id} was never seen running`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const done = await store.imports.getById(id);
    expect(done).toMatchObject({ status: 'completed', attempts: 1, error: null });
    const tasks = bundle.manifest.categories.find((c) => c.name === 'tasks');
    expect(tasks?.included).toBe(true);
    expect(done?.counts.tasks).toBe(tasks?.included === true ? tasks.rows : null);
  });
});
