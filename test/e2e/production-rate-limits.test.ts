import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { portageClient } from '../support/api-client.js';
import { spawnApi, type PortageProcess } from '../support/portage-process.js';
import {
  createTestDatabase,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

// Two stateless API processes (`portage serve --no-worker`, built `dist/`) share
// one PostgreSQL database: the quota and Idempotency-Key must hold exactly
// across them.
describe('two API processes sharing PostgreSQL', () => {
  let database: TestDatabase;
  let dataDir: string;
  let apis: (PortageProcess & { baseUrl: string })[] = [];
  const keys: Record<string, string> = {};
  const passed = watchFailures();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'portage-prod-api-'));
    const store = await openStore(database.url);
    try {
      for (const tenant of ['acme', 'globex']) {
        await store.tenants.upsert(tenant, tenant);
        keys[tenant] = await store.tenants.createKey(tenant);
      }
    } finally {
      await store.close();
    }
    const env = {
      PORTAGE_DATABASE_URL: database.url,
      PORTAGE_SOURCE_URL: join(inject('demoDir'), 'demo-platform.sqlite'),
      PORTAGE_FILES_DIR: join(inject('demoDir'), 'demo-files'),
      PORTAGE_DATA_DIR: dataDir,
      PORTAGE_STORAGE_URL: `file://${join(dataDir, 'archives')}`,
    };
    apis = await Promise.all([spawnApi(env), spawnApi(env)]);
  });

  afterAll(async () => {
    await Promise.all(apis.map((p) => p.stop()));
    await rm(dataDir, { recursive: true, force: true });
    if (passed()) await database.drop();
    else process.stderr.write(`kept test database ${database.url}\n`);
  });

  const post = async (i: number, key: string, idempotencyKey?: string) => {
    const { data, response } = await portageClient(apis[i % apis.length]!.baseUrl, key).POST(
      '/v1/exports',
      {
        params: {
          header: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
        },
        body: { purpose: 'migration' },
      },
    );
    return { status: response.status, headers: response.headers, id: data?.id };
  };

  it('grants exactly the daily limit to 200 concurrent POSTs spread over both', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => post(i, keys.acme!)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(190);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('ratelimit-policy')).toBeTruthy();
    }
    // Each process answered 100 of them, so ten grants in all (not ten
    // each) means each process counted the other's; which process won the
    // races is up to the scheduler.
    const listed = await portageClient(apis[1]!.baseUrl, keys.acme).GET('/v1/exports', {
      params: { query: { limit: 100 } },
    });
    expect(listed.data?.data).toHaveLength(10);
    // Each created export was announced to the queue once.
    expect(await queuedJobs(database.url)).toBe(10);
  });

  it('creates one export for one Idempotency-Key sent 100 times at once to both', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(i, keys.globex!, 'once')),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    const fresh = answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true');
    expect(fresh).toHaveLength(1);
    const again = await portageClient(apis[0]!.baseUrl, keys.globex).POST('/v1/exports', {
      params: { header: { 'idempotency-key': 'once' } },
      body: { purpose: 'audit' },
    });
    expect(again.response.status).toBe(422);
    // The replays spent no quota.
    const next = await post(1, keys.globex!);
    expect(next.headers.get('ratelimit')).toMatch(/r=8\b/);
    expect(await queuedJobs(database.url)).toBe(12);
  });
});

/** Jobs pg-boss holds for exports, whatever their state. */
async function queuedJobs(url: string): Promise<number> {
  const client = pgClient({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pgboss.job where name = 'portage-export'`,
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
