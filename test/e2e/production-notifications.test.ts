import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS } from '../../src/demo/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { portageClient } from '../support/api-client.js';
import { spawnApi, spawnWorker, type PortageProcess } from '../support/portage-process.js';
import { demoDatabase, demoFiles } from '../support/portage-server.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const ADDRESS = 'grace@customer.example';

/** Polls `check` until it holds, or fails with `what` after 30 s. */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The process named by a lease owner (`host:pid:…`) among `processes`. */
function leaseHolder(owner: string, processes: readonly PortageProcess[]): PortageProcess {
  const pid = Number(owner.split(':')[1]);
  const holder = processes.find((p) => p.pid === pid);
  if (holder === undefined) throw new Error(`no worker holds the lease ${owner}`);
  return holder;
}

/** The lease owner of a row of the state database. */
async function leaseOwner(url: string, table: string, column: string, id: string) {
  const client = pgClient({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ lease_owner: string | null }>(
      `select lease_owner from ${table} where ${column} = $1`,
      [id],
    );
    const owner = rows[0]?.lease_owner;
    if (!owner) throw new Error(`${table} ${id} has no lease`);
    return owner;
  } finally {
    await client.end();
  }
}

// Two `serve --no-worker` and three `worker` processes on PostgreSQL state and pg-boss.
describe('webhooks and mails from several processes on PostgreSQL', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let dataDir: string;
  let store: Store;
  let apis: (PortageProcess & { baseUrl: string })[] = [];
  const workers: PortageProcess[] = [];
  const receivers: WebhookReceiver[] = [];
  const keys: Record<string, string> = {};
  const tenants = DEMO_TENANTS.slice(0, 2).map((t) => t.id);
  const passed = watchFailures();
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'portage-prod-notifications-'));
    smtp = await startSmtpServer();
    store = await openStore(database.url);
    for (const tenant of tenants) {
      await store.tenants.upsert(tenant, tenant);
      keys[tenant] = await store.tenants.createKey(tenant);
    }
    const env = {
      PORTAGE_DATABASE_URL: database.url,
      PORTAGE_SOURCE_URL: demoDatabase(),
      PORTAGE_FILES_DIR: demoFiles(),
      PORTAGE_DATA_DIR: dataDir,
      PORTAGE_STORAGE_URL: `file://${join(dataDir, 'archives')}`,
      PORTAGE_WEBHOOK_ALLOW_PRIVATE: 'true',
      // A lease of 1 + 5 s, so that a killed worker's delivery is taken over soon.
      PORTAGE_WEBHOOK_TIMEOUT_SECONDS: '1',
      PORTAGE_POLL_MS: '100',
      PORTAGE_SMTP_URL: smtp.url,
      PORTAGE_MAIL_FROM: 'exports@portage.example',
      // A claim on a mail of 3 × 5 + 5 s, so that a killed worker's mail is taken over soon.
      PORTAGE_SMTP_TIMEOUT_SECONDS: '5',
    };
    apis = await Promise.all([spawnApi(env), spawnApi(env)]);
    workers.push(...(await Promise.all([spawnWorker(env), spawnWorker(env), spawnWorker(env)])));
  });

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => p.stop('SIGKILL')));
    await Promise.all(receivers.map((r) => r.close()));
    await smtp.close();
    await store.close();
    await dropIfPassed(database, passed(), [dataDir]);
  });

  const endpoint = async (tenant: string, url: string, baseUrl: string) => {
    const created = await portageClient(baseUrl, keys[tenant]).POST('/v1/webhook-endpoints', {
      body: { url, events: ['export.failed'] },
    });
    expect(created.response.status).toBe(201);
    return created.data as { id: string; secret: string };
  };
  /** An export created through one API process and canceled through the other. */
  const canceledExport = async (tenant: string, i: number) => {
    const created = await portageClient(apis[i % 2]!.baseUrl, keys[tenant]).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    const id = created.data!.id;
    const canceled = await portageClient(apis[(i + 1) % 2]!.baseUrl, keys[tenant]).DELETE(
      '/v1/exports/{id}',
      { params: { path: { id } } },
    );
    expect(canceled.response.status).toBe(200);
  };
  const deliveryStatuses = async (endpointId: string, tenant: string) =>
    (await store.webhookDeliveries.list(tenant, endpointId, 100, null)).map((d) => d.status);

  it('delivers every event exactly once per endpoint', async () => {
    const perTenant = 4;
    const setups = [];
    for (const tenant of tenants) {
      for (let i = 0; i < 2; i++) {
        const receiver = await startReceiver();
        receivers.push(receiver);
        setups.push({
          tenant,
          receiver,
          ...(await endpoint(tenant, receiver.url, apis[i]!.baseUrl)),
        });
      }
    }
    await Promise.all(
      tenants.map(async (tenant) => {
        for (let i = 0; i < perTenant; i++) await canceledExport(tenant, i);
      }),
    );
    for (const setup of setups) {
      await until(`${perTenant} deliveries to ${setup.id} succeeded`, async () => {
        const statuses = await deliveryStatuses(setup.id, setup.tenant);
        return statuses.length === perTenant && statuses.every((s) => s === 'succeeded');
      });
      await setup.receiver.waitFor(perTenant);
      const ids = setup.receiver.received.map((h) => h.headers['webhook-id']);
      expect(ids).toHaveLength(perTenant);
      expect(new Set(ids).size).toBe(perTenant);
      for (const hook of setup.receiver.received) {
        const body = new Webhook(setup.secret).verify(
          hook.body,
          hook.headers as Record<string, string>,
        ) as { type: string };
        expect(body.type).toBe('export.failed');
      }
    }
  });

  it('delivers at least once when the worker sending is killed mid-delivery', async () => {
    const tenant = tenants[0]!;
    const receiver = await startReceiver();
    receivers.push(receiver);
    receiver.answer = () => (receiver.received.length === 1 ? 'hold' : 204);
    const { id, secret } = await endpoint(tenant, receiver.url, apis[0]!.baseUrl);
    await canceledExport(tenant, 0);
    await receiver.waitFor(1);
    // The worker holding the lease is the one sending: kill it while the answer is held.
    const [delivery] = await store.webhookDeliveries.list(tenant, id, 1, null);
    const owner = await leaseOwner(database.url, 'webhook_deliveries', 'id', delivery!.id);
    await leaseHolder(owner, workers).stop('SIGKILL');

    await receiver.waitFor(2);
    await until('the delivery succeeded', async () =>
      (await deliveryStatuses(id, tenant)).every((s) => s === 'succeeded'),
    );
    const ids = receiver.received.map((h) => h.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    for (const hook of receiver.received)
      new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);
    const [after] = await store.webhookDeliveries.list(tenant, id, 1, null);
    expect(after?.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'succeeded']);
  });

  it('sends a mail at least once, and it is received once, when the worker sending it is killed', async () => {
    const tenant = tenants[1]!;
    smtp.holding = true;
    const created = await portageClient(apis[1]!.baseUrl, keys[tenant]).POST('/v1/exports', {
      body: { purpose: 'migration', notify_email: ADDRESS },
    });
    expect(created.response.status).toBe(202);
    const id = created.data!.id;
    // A worker is sending the mail: the SMTP server has its data and holds its answer.
    await smtp.held();
    const owner = await leaseOwner(database.url, 'export_mails', 'export_id', id);
    await leaseHolder(owner, workers).stop('SIGKILL');
    smtp.holding = false;

    const { to, mail } = await smtp.nextMail();
    expect(to).toEqual([ADDRESS]);
    expect(mail.text).toContain(id);
    await until(
      'the mail is recorded as sent',
      async () => (await store.mails.get(id))?.status === 'sent',
    );
    expect(await store.mails.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.received).toHaveLength(1);
  });
});
