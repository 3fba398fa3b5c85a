import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/index.js';
import { generateDemoPlatformInPostgres } from '../../src/demo/index.js';
import { PgBossQueue } from '../../src/jobs/pg-boss-queue.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { openStore, type ExportRecord, type Store } from '../../src/store/index.js';
import { extractArchive, sha256sumCheck } from '../support/archive.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { startOutageProxy, type OutageProxy } from './outage-proxy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `url` with its host and port replaced by the proxy's. */
function throughProxy(url: string, proxy: OutageProxy): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}

// A production worker (pg-boss queue, PostgreSQL state, platform in PostgreSQL)
// reaching the real PostgreSQL server only through a proxy the tests cut:
// Portage's state, its queue and the platform's data all go away at once.
describe('PostgreSQL unavailable for a while', { timeout: 120_000 }, () => {
  const passed = watchFailures();
  let state: TestDatabase;
  let platform: TestDatabase;
  let dataDir: string;
  let proxy: OutageProxy;
  let direct: Store;
  let runtime: Runtime | undefined;
  let queue: PgBossQueue | undefined;

  beforeAll(async () => {
    [state, platform] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    dataDir = await mkdtemp(join(tmpdir(), 'portage-outage-db-'));
    await generateDemoPlatformInPostgres({
      database: platform.url,
      filesDir: join(dataDir, 'demo-files'),
      scale: 2,
    });
    const server = new URL(state.url);
    proxy = await startOutageProxy({ host: server.hostname, port: Number(server.port || 5432) });
    direct = await openStore(state.url);
    await direct.tenants.upsert('acme', 'Acme');
  });

  afterEach(async () => {
    proxy.restore();
    await queue?.stop(0);
    await queue?.close();
    await runtime?.close();
    queue = undefined;
    runtime = undefined;
  });

  afterAll(async () => {
    await direct?.close();
    await proxy?.close();
    if (passed()) await rm(dataDir, { recursive: true, force: true });
    await dropIfPassed(state, passed());
    await dropIfPassed(platform, passed());
  });

  /** Starts a worker process's queue through the proxy, with these settings on top. */
  const startWorker = async (env: Record<string, string>) => {
    const settings = loadSettings(
      {
        PORTAGE_DATABASE_URL: throughProxy(state.url, proxy),
        PORTAGE_SOURCE_URL: throughProxy(platform.url, proxy),
        PORTAGE_FILES_DIR: join(dataDir, 'demo-files'),
        PORTAGE_DATA_DIR: dataDir,
        PORTAGE_STORAGE_URL: `file://${join(dataDir, 'archives')}`,
        PORTAGE_REAPER_SECONDS: '1',
        ...env,
      },
      dataDir,
    );
    runtime = await openRuntime(settings);
    queue = await PgBossQueue.open(runtime);
    await queue.start();
    return { runtime, queue };
  };

  const create = async (): Promise<string> => {
    const created = await direct.exports.create(
      {
        tenantId: 'acme',
        purpose: 'migration',
        formats: ['jsonl', 'csv'],
        categories: runtime!.catalog.categories.filter((c) => c.included).map((c) => c.name),
        csv: { bom: false, formulaProtection: false },
        idempotencyKey: null,
        requestHash: 'h',
      },
      { perDay: 1000, perMonth: 1000, maxRunning: 2 },
    );
    if (created.kind !== 'created') throw new Error(created.kind);
    await queue!.announce(created.export.id);
    return created.export.id;
  };

  /** Polls the export (directly, not through the proxy) until `done` says so. */
  const watch = async (
    id: string,
    done: (record: ExportRecord) => boolean,
    timeoutMs = 60_000,
  ): Promise<ExportRecord> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await direct.exports.getById(id);
      if (record !== null && done(record)) return record;
      if (Date.now() > deadline) throw new Error(`export ${id}: ${JSON.stringify(record)}`);
      await sleep(10);
    }
  };
  const finished = (r: ExportRecord) => r.status !== 'pending' && r.status !== 'running';

  /** The archive on disk matches the record and every checksum inside it. */
  const expectValidArchive = async (record: ExportRecord) => {
    expect(record.status).toBe('completed');
    const bytes = await readFile(join(dataDir, 'archives', record.storageKey!));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.file?.sha256);
    const archive = await extractArchive(bytes);
    try {
      expect(await sha256sumCheck(archive.dir)).not.toMatch(/FAILED/);
    } finally {
      await rm(join(archive.dir, '..'), { recursive: true, force: true });
    }
  };

  it('completes an export whose database went away for 3 s mid-export, without a takeover', async () => {
    await startWorker({
      PORTAGE_LEASE_SECONDS: '10',
      PORTAGE_RETRY_ATTEMPTS: '5',
      PORTAGE_RETRY_BASE_MS: '1000',
    });
    const id = await create();
    await watch(id, (r) => r.status === 'running' && r.progress.rowsWritten > 0);
    proxy.cut();
    await sleep(3000);
    proxy.restore();
    const record = await watch(id, finished);
    await expectValidArchive(record);
    expect(record.attempts).toBe(1);
  });

  it('after an outage longer than the retries and the lease, the export is taken over and completes', async () => {
    await startWorker({
      PORTAGE_LEASE_SECONDS: '2',
      PORTAGE_RETRY_ATTEMPTS: '3',
      PORTAGE_RETRY_BASE_MS: '200',
    });
    const id = await create();
    await watch(id, (r) => r.status === 'running' && r.progress.rowsWritten > 0);
    proxy.cut();
    await sleep(6000);
    expect((await direct.exports.getById(id))?.status).toBe('running');
    proxy.restore();
    const record = await watch(id, finished);
    await expectValidArchive(record);
    expect(record.attempts).toBe(2);
  });
});
