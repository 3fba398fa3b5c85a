import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { loadSettings } from '../config/index.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import type { ExportRequest } from '../store/index.js';
import { PgBossQueue } from './pg-boss-queue.js';

const request: ExportRequest = {
  tenantId: 'acme',
  purpose: 'migration',
  formats: ['jsonl'],
  categories: ['users', 'projects', 'tasks', 'comments'],
  csv: { bom: false, formulaProtection: false },
  idempotencyKey: null,
  requestHash: 'h',
};

describe('the pg-boss queue', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;
  let queue: PgBossQueue;
  let failed: boolean;

  beforeEach(async (context) => {
    failed = false;
    context.onTestFailed(() => {
      failed = true;
    });
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'portage-queue-'));
    const settings = loadSettings(
      {
        PORTAGE_DATABASE_URL: database.url,
        PORTAGE_SOURCE_URL: join(inject('demoDir'), 'demo-platform.sqlite'),
        PORTAGE_FILES_DIR: join(inject('demoDir'), 'demo-files'),
        PORTAGE_DATA_DIR: dataDir,
        PORTAGE_MAX_RUNNING: '1',
        PORTAGE_WORKER_CONCURRENCY: '4',
        PORTAGE_REAPER_SECONDS: '1',
      },
      dataDir,
    );
    runtime = await openRuntime(settings);
    await runtime.store.tenants.upsert('acme', 'Acme');
    queue = await PgBossQueue.open(runtime);
  });

  afterEach(async () => {
    await queue.stop(0);
    await queue.close();
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
    if (failed) console.error(`kept test database ${database.url}`);
    else await database.drop();
  });

  const create = async (): Promise<string> => {
    const created = await runtime.store.exports.create(request, runtime.settings.limits);
    if (created.kind !== 'created') throw new Error(created.kind);
    return created.export.id;
  };

  /** Samples the tenant's running exports until every one is done; returns the most seen at once. */
  const watch = async (ids: readonly string[]): Promise<number> => {
    let most = 0;
    const deadline = Date.now() + 45_000;
    for (;;) {
      const records = await Promise.all(ids.map((id) => runtime.store.exports.getById(id)));
      most = Math.max(most, records.filter((r) => r?.status === 'running').length);
      if (records.every((r) => r?.status === 'completed')) return most;
      if (Date.now() > deadline) throw new Error(JSON.stringify(records.map((r) => r?.status)));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('runs a tenant at its maxRunning one export at a time; the others wait and then complete', async () => {
    const ids = [await create(), await create(), await create()];
    await queue.start();
    for (const id of ids) await queue.announce(id);
    expect(await watch(ids)).toBe(1);
  });

  it('runs an export whose announcement was lost, found by the reaper', async () => {
    const id = await create();
    await queue.start();
    expect(await watch([id])).toBeLessThanOrEqual(1);
  });
});
