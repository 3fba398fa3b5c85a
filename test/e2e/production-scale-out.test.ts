import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { generateDemoPlatformInPostgres } from '../../src/demo/index.js';
import { openStore } from '../../src/store/index.js';
import { extractArchive, sha256sumCheck } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import type { components } from '../support/portage-api.js';
import { spawnApi, spawnWorker, type PortageProcess } from '../support/portage-process.js';
import {
  createTestDatabase,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { s3rverClient, startS3Server, type TestS3Server } from '../support/s3-server.js';

// The production layout at small scale: two `portage serve --no-worker` and
// three `portage worker` processes (built `dist/`) on one PostgreSQL (state and
// pg-boss queue), reading the demo platform from PostgreSQL and writing to a
// real S3-compatible server. Thirty exports are created at once, spread over
// both API processes, three tenants and the four purposes.

const TENANTS = ['acme', 'globex', 'initech'] as const;
const PURPOSES = ['migration', 'closure', 'audit', 'duplication'] as const;
const EXPORTS = 30;
const PREFIX = 'exports/';

/** An export as the API shows it. */
type ExportView = components['schemas']['Export'];

interface Created {
  readonly id: string;
  readonly tenant: string;
  readonly purpose: string;
}

describe('two API and three worker processes on PostgreSQL and S3', { timeout: 120_000 }, () => {
  let state: TestDatabase | undefined;
  let platform: TestDatabase | undefined;
  let s3: TestS3Server | undefined;
  let client: S3Client | undefined;
  let root: string;
  let publicKeyPem: string;
  const processes: PortageProcess[] = [];
  let apis: (PortageProcess & { baseUrl: string })[] = [];
  let workers: PortageProcess[] = [];
  const keys: Record<string, string> = {};
  const passed = watchFailures();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'portage-scale-out-'));
    [state, platform, s3] = await Promise.all([
      createTestDatabase(),
      createTestDatabase(),
      startS3Server(),
    ]);
    client = s3rverClient(s3);
    const filesDir = join(root, 'demo-files');
    await generateDemoPlatformInPostgres({ database: platform.url, filesDir, scale: 1 });

    // Every process signs with this one key, whatever its own keyring folder holds.
    const pair = generateKeyPairSync('ed25519');
    publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyFile = join(root, 'signing-key.pem');
    await writeFile(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });

    const store = await openStore(state.url);
    try {
      for (const tenant of TENANTS) {
        await store.tenants.upsert(tenant, tenant);
        keys[tenant] = await store.tenants.createKey(tenant);
      }
    } finally {
      await store.close();
    }

    const shared: Record<string, string> = {
      ...s3.env,
      PORTAGE_DATABASE_URL: state.url,
      PORTAGE_SOURCE_URL: platform.url,
      PORTAGE_FILES_DIR: filesDir,
      PORTAGE_STORAGE_URL: `s3://${s3.bucket}/${PREFIX.slice(0, -1)}`,
      PORTAGE_SIGNING_KEY_FILE: keyFile,
      PORTAGE_LIMIT_PER_DAY: '100',
      PORTAGE_LIMIT_PER_MONTH: '100',
    };
    // Each process has a data directory of its own, as on separate machines.
    const envFor = async (name: string) => {
      const dataDir = join(root, name);
      await mkdir(dataDir);
      return { ...shared, PORTAGE_DATA_DIR: dataDir };
    };
    const track = <P extends PortageProcess>(started: Promise<P>) =>
      started.then((p) => {
        processes.push(p);
        return p;
      });
    apis = await Promise.all(['api-1', 'api-2'].map(async (n) => track(spawnApi(await envFor(n)))));
    workers = await Promise.all(
      ['worker-1', 'worker-2', 'worker-3'].map(async (n) => track(spawnWorker(await envFor(n)))),
    );
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    client?.destroy();
    await s3?.close();
    if (passed()) {
      await rm(root, { recursive: true, force: true });
      await Promise.all([state?.drop(), platform?.drop()]);
    } else {
      process.stderr.write(
        `kept ${root}, state database ${state?.url} and platform database ${platform?.url}\n`,
      );
    }
  });

  it('completes 30 concurrent exports once each, with valid archives and one object each in S3', async () => {
    const startedAt = Date.now();
    const created: Created[] = await Promise.all(
      Array.from({ length: EXPORTS }, async (_, i) => {
        const tenant = TENANTS[i % TENANTS.length]!;
        const purpose = PURPOSES[i % PURPOSES.length]!;
        const answer = await portageClient(apis[i % apis.length]!.baseUrl, keys[tenant]).POST(
          '/v1/exports',
          { body: { purpose } },
        );
        expect(answer.response.status, JSON.stringify(answer.error)).toBe(202);
        return { id: answer.data!.id, tenant, purpose };
      }),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(EXPORTS);

    const { views: done, owners, mostRunning } = await waitForAll(created, 100_000);
    const wallMs = Date.now() - startedAt;
    const unfinished = created.filter((c) => done.get(c.id)?.status !== 'completed');
    expect(
      unfinished.map((c) => ({ ...c, export: done.get(c.id) })),
      'exports not completed',
    ).toEqual([]);

    // The three workers shared the work, and PORTAGE_MAX_RUNNING (default 2)
    // held per tenant across them.
    expect([...owners].sort()).toEqual(workers.map((w) => w.pid).sort());
    expect(mostRunning).toBeLessThanOrEqual(2);

    const latencies = created
      .map((c) => {
        const view = done.get(c.id)!;
        return Date.parse(view.completed_at!) - Date.parse(view.created_at);
      })
      .sort((a, b) => a - b);
    console.log(
      `${EXPORTS} exports on 2 API + 3 worker processes: wall time ${(wallMs / 1000).toFixed(1)} s, ` +
        `median latency ${(median(latencies) / 1000).toFixed(1)} s ` +
        `(min ${(latencies[0]! / 1000).toFixed(1)} s, max ${(latencies.at(-1)! / 1000).toFixed(1)} s)`,
    );

    // Each export was claimed once; a lease that lapsed under load would show
    // here as a second attempt, and the object count below proves the fence held.
    const attempts = await attemptsOf(state!.url);
    const retried = created.filter((c) => attempts.get(c.id) !== 1);
    if (retried.length > 0) {
      console.log(
        `exports attempted more than once: ${retried.map((c) => `${c.id}=${attempts.get(c.id)}`).join(', ')}`,
      );
    }
    for (const c of created) expect(attempts.get(c.id), c.id).toBeGreaterThanOrEqual(1);

    const stored = await listKeys(client!, s3!.bucket);
    expect(stored.filter((key) => key.includes('.tmp/'))).toEqual([]);
    const expected = created.map(
      (c) => `${PREFIX}exports/${c.tenant}/${done.get(c.id)!.file!.name}`,
    );
    expect(stored).toEqual([...expected].sort());

    // Every API process publishes the one shared key, under its RFC 7638 thumbprint.
    const kid = thumbprint(publicKeyPem);
    for (const a of apis) {
      const jwks = (await (await fetch(new URL('/v1/signing-keys', a.baseUrl))).json()) as {
        keys: { kid: string }[];
      };
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    }

    await inBatches(created, 4, async (c, i) => {
      const view = done.get(c.id)!;
      const redirect = await fetch(
        new URL(`/v1/exports/${c.id}/download`, apis[i % apis.length]!.baseUrl),
        { headers: { authorization: `Bearer ${keys[c.tenant]}` }, redirect: 'manual' },
      );
      expect(redirect.status, c.id).toBe(302);
      const location = new URL(redirect.headers.get('location') ?? '');
      expect(location.origin).toBe(s3!.endpoint);
      const download = await fetch(location);
      expect(download.status, c.id).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.length, c.id).toBe(view.file!.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), c.id).toBe(view.file!.sha256);

      const archive = await extractArchive(bytes);
      try {
        expect(await sha256sumCheck(archive.dir)).not.toMatch(/FAILED/);
        const manifest = await archive.json<Manifest>('manifest.json');
        expect(manifest.export).toMatchObject({ id: c.id, tenant: c.tenant, purpose: c.purpose });
        if (c.purpose === 'audit') {
          expect(manifest.export.signing_key_id).toBe(kid);
          const signed = await readFile(join(archive.dir, 'manifest.json'));
          const signature = await readFile(join(archive.dir, 'manifest.sig'));
          expect(verify(null, signed, publicKeyPem, signature), `${c.id} manifest.sig`).toBe(true);
        }
      } finally {
        await rm(join(archive.dir, '..'), { recursive: true, force: true });
      }
    });
  });

  /**
   * Polls each tenant's list until every export left pending/running, or the
   * deadline passes. Meanwhile samples the leases of running exports in the
   * state database: which processes held them, and the most one tenant had
   * running at once.
   */
  async function waitForAll(
    created: Created[],
    timeoutMs: number,
  ): Promise<{ views: Map<string, ExportView>; owners: Set<number>; mostRunning: number }> {
    const deadline = Date.now() + timeoutMs;
    const views = new Map<string, ExportView>();
    const owners = new Set<number>();
    let mostRunning = 0;
    const db = pgClient({ connectionString: state!.url });
    await db.connect();
    try {
      for (let tick = 0; ; tick++) {
        const { rows } = await db.query<{ tenant_id: string; lease_owner: string }>(
          `select tenant_id, lease_owner from exports
            where status = 'running' and lease_owner is not null`,
        );
        const perTenant = new Map<string, number>();
        for (const row of rows) {
          // An owner is `host:pid:random`.
          owners.add(Number(row.lease_owner.split(':')[1]));
          perTenant.set(row.tenant_id, (perTenant.get(row.tenant_id) ?? 0) + 1);
        }
        mostRunning = Math.max(mostRunning, ...perTenant.values());
        for (const tenant of TENANTS) {
          const listed = await portageClient(apis[tick % apis.length]!.baseUrl, keys[tenant]).GET(
            '/v1/exports',
            { params: { query: { limit: 100 } } },
          );
          expect(listed.response.status).toBe(200);
          for (const view of listed.data!.data) views.set(view.id, view);
        }
        const open = created.filter((c) => {
          const status = views.get(c.id)?.status;
          return status === undefined || status === 'pending' || status === 'running';
        });
        if (open.length === 0 || Date.now() > deadline) return { views, owners, mostRunning };
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await db.end();
    }
  }
});

/** `attempts` of every export, read from the state database. */
async function attemptsOf(url: string): Promise<Map<string, number>> {
  const client = pgClient({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; attempts: number }>(
      'select id, attempts from exports',
    );
    return new Map(rows.map((r) => [r.id, r.attempts]));
  } finally {
    await client.end();
  }
}

/** Every object key in the bucket, sorted. */
async function listKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys.sort();
}

/** Runs `work` over `items`, at most `size` at once. */
async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** The RFC 7638 JWK thumbprint of an Ed25519 public key. */
function thumbprint(pem: string): string {
  const { x } = createPublicKey(pem).export({ format: 'jwk' });
  const members = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(members, 'utf8').digest('base64url');
}

/** The middle value of sorted numbers. */
function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
