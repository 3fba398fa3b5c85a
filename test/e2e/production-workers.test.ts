import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoPlatform } from '../../src/demo/index.js';
import { openStore, type ExportRecord, type Store } from '../../src/store/index.js';
import { extractArchive, sha256sumCheck } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { spawnApi, spawnWorker, type PortageProcess } from '../support/portage-process.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

// `portage worker` processes (built `dist/`) on pg-boss and PostgreSQL state,
// with short leases so that a killed worker's export is taken over quickly.
describe('worker processes on pg-boss', { timeout: 90_000 }, () => {
  let database: TestDatabase;
  let dataDir: string;
  let store: Store;
  let apiProcess: PortageProcess & { baseUrl: string };
  const started: PortageProcess[] = [];
  const keys: Record<string, string> = {};
  let env: Record<string, string>;
  const passed = watchFailures();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'portage-prod-workers-'));
    // Large enough that an export runs for a few seconds, to be caught mid-flight.
    await generateDemoPlatform({
      file: join(dataDir, 'demo-platform.sqlite'),
      filesDir: join(dataDir, 'demo-files'),
      scale: 2,
    });
    store = await openStore(database.url);
    for (const tenant of ['acme', 'globex', 'initech']) {
      await store.tenants.upsert(tenant, tenant);
      keys[tenant] = await store.tenants.createKey(tenant);
    }
    env = {
      PORTAGE_DATABASE_URL: database.url,
      PORTAGE_SOURCE_URL: join(dataDir, 'demo-platform.sqlite'),
      PORTAGE_FILES_DIR: join(dataDir, 'demo-files'),
      PORTAGE_DATA_DIR: dataDir,
      PORTAGE_STORAGE_URL: `file://${join(dataDir, 'archives')}`,
      PORTAGE_LEASE_SECONDS: '2',
      PORTAGE_REAPER_SECONDS: '1',
      PORTAGE_MAX_ATTEMPTS: '2',
    };
    apiProcess = await spawnApi(env);
  });

  afterAll(async () => {
    await Promise.all([apiProcess, ...started].map((p) => p?.stop('SIGKILL')));
    await store.close();
    await dropIfPassed(database, passed(), [dataDir]);
  });

  // Each test starts with no worker running.
  beforeEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL')));
  });

  const worker = async (more: Record<string, string> = {}) => {
    const process = await spawnWorker({ ...env, ...more });
    started.push(process);
    return process;
  };
  const create = async (tenant: string): Promise<string> => {
    const created = await portageClient(apiProcess.baseUrl, keys[tenant]).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    return created.data!.id;
  };
  /** Waits until the export is running under attempt `attempt`; returns it. */
  const runningAttempt = async (id: string, attempt: number): Promise<ExportRecord> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const record = await store.exports.getById(id);
      if (record?.status === 'running' && record.attempts === attempt) return record;
      if (Date.now() > deadline) throw new Error(`export ${id}: ${JSON.stringify(record)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  /** The process holding the export's lease, from its owner name `host:pid:random`. */
  const ownerPid = async (id: string): Promise<number> => {
    const client = pgClient({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ lease_owner: string }>(
        'select lease_owner from exports where id = $1',
        [id],
      );
      return Number(rows[0]!.lease_owner.split(':')[1]);
    } finally {
      await client.end();
    }
  };

  it('completes on another worker the export of a worker killed with SIGKILL, publishing one valid archive', async () => {
    const workers = await Promise.all([worker(), worker()]);
    const id = await create('acme');
    await runningAttempt(id, 1);
    // Kill whichever of the two took it.
    const pid = await ownerPid(id);
    const killed = workers.find((w) => w.pid === pid);
    expect(killed).toBeDefined();
    await killed!.stop('SIGKILL');

    const done = await waitForExport(apiProcess.baseUrl, keys.acme!, id, 30_000);
    expect(done.status).toBe('completed');
    expect((await store.exports.getById(id))?.attempts).toBe(2);
    const published = await readdir(join(dataDir, 'archives', 'exports', 'acme'));
    expect(published).toEqual([(done.file as { name: string }).name]);

    const download = await fetch(new URL(`/v1/exports/${id}/download`, apiProcess.baseUrl), {
      headers: { authorization: `Bearer ${keys.acme}` },
    });
    expect(download.status).toBe(200);
    const archive = await extractArchive(Buffer.from(await download.arrayBuffer()));
    expect(archive.sha256).toBe((done.file as { sha256: string }).sha256);
    expect(await sha256sumCheck(archive.dir)).not.toMatch(/FAILED/);
  });

  it('fails the export with a clear error once its attempts are spent', async () => {
    const id = await create('globex');
    for (let attempt = 1; attempt <= 2; attempt++) {
      const process = await worker();
      await runningAttempt(id, attempt);
      await process.stop('SIGKILL');
    }
    // Any live worker's reaper fails it once the second lease lapses.
    await worker();
    const failed = await waitForExport(apiProcess.baseUrl, keys.globex!, id, 30_000);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'attempts_exhausted' } });
    expect((failed.error as { message: string }).message).toMatch(/attempted 2 times/);
    // Portage failed it, so it spends no quota.
    const quotas = await store.exports.quotas('globex', {
      perDay: 10,
      perMonth: 50,
      maxRunning: 2,
    });
    expect(quotas[0]!.remaining).toBe(10);
  });

  it('drains on SIGTERM: exits 0 and gives its running export back without counting the attempt', async () => {
    const draining = await worker({ PORTAGE_SHUTDOWN_GRACE_SECONDS: '0' });
    const id = await create('initech');
    await runningAttempt(id, 1);
    const exit = await draining.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(draining.output()).toMatch(/Drained\./);
    expect(await store.exports.getById(id)).toMatchObject({ status: 'pending', attempts: 0 });

    await worker();
    const done = await waitForExport(apiProcess.baseUrl, keys.initech!, id, 30_000);
    expect(done.status).toBe('completed');
    expect((await store.exports.getById(id))?.attempts).toBe(1);
  });
});
