import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/catalog/index.js';
import { DEFAULT_DEMO_PLATFORM, DEMO_PLATFORMS } from '../../src/demo/index.js';
import { openWebhookSender } from '../../src/runtime/webhook-sender.js';
import { RETRY_DELAYS_SECONDS, WebhookSender } from '../../src/webhooks/index.js';
import { portageClient } from '../support/api-client.js';
import { api, waitForExport } from '../support/http.js';
import type { operations } from '../support/portage-api.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const METRICS_TOKEN = 'webhook-metrics-token';

type EndpointCreation =
  operations['createWebhookEndpoint']['requestBody']['content']['application/json'];
type EndpointUpdate =
  operations['updateWebhookEndpoint']['requestBody']['content']['application/json'];

/** A clock a test moves by hand. */
function manualClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (seconds: number) => (now += seconds * 1000),
  };
}

describe('webhooks over HTTP', () => {
  let server: TestServer;
  let acme: string;
  let globex: string;
  let receivers: WebhookReceiver[] = [];
  beforeAll(async () => {
    server = await startServer({
      PORTAGE_WEBHOOK_ALLOW_PRIVATE: 'true',
      PORTAGE_METRICS_TOKEN: METRICS_TOKEN,
    });
    [acme, globex] = Object.values(server.keys) as [string, string];
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    receivers = [];
    // Each test starts with no endpoint, so that it sees its own deliveries only.
    for (const key of [acme, globex]) {
      const client = portageClient(server.baseUrl, key);
      const listed = await client.GET('/v1/webhook-endpoints');
      for (const { id } of listed.data!.data)
        await client.DELETE('/v1/webhook-endpoints/{id}', { params: { path: { id } } });
    }
  });

  const receiver = async () => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };
  const createEndpoint = async (key: string, body: EndpointCreation) => {
    const answer = await portageClient(server.baseUrl, key).POST('/v1/webhook-endpoints', {
      body,
    });
    expect(answer.response.status).toBe(201);
    return answer.data!;
  };
  /** An export its client cancels at once: the quickest `export.failed`. */
  const canceledExport = async (key: string) => {
    const client = portageClient(server.baseUrl, key);
    const created = await client.POST('/v1/exports', { body: { purpose: 'migration' } });
    expect(created.response.status).toBe(202);
    const id = created.data!.id;
    await client.DELETE('/v1/exports/{id}', { params: { path: { id } } });
    return id;
  };

  it('creates an endpoint with a secret shown once, lists, gets and deletes it, for its tenant only', async () => {
    const client = portageClient(server.baseUrl, acme);
    const created = await client.POST('/v1/webhook-endpoints', {
      body: { url: 'https://hooks.example.com/portage', description: 'billing' },
    });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(
      `/v1/webhook-endpoints/${created.data?.id}`,
    );
    expect(created.data).toMatchObject({
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/portage',
      description: 'billing',
      status: 'enabled',
      events: [
        'export.completed',
        'export.failed',
        'export.expired',
        'import.completed',
        'import.failed',
      ],
    });
    expect(created.data?.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = created.data!.id;
    const params = { path: { id } };

    const listed = await client.GET('/v1/webhook-endpoints');
    expect(listed.data?.data).toEqual([expect.objectContaining({ id, secret: null })]);
    expect(JSON.stringify(listed.data)).not.toContain('whsec_');
    const got = await client.GET('/v1/webhook-endpoints/{id}', { params });
    expect(got.data).toHaveProperty('secret', null);

    // Another tenant: 404 everywhere, exactly as for a missing endpoint.
    const foreign = portageClient(server.baseUrl, globex);
    for (const answer of [
      await foreign.GET('/v1/webhook-endpoints/{id}', { params }),
      await foreign.GET('/v1/webhook-endpoints/{id}/deliveries', { params }),
      await foreign.DELETE('/v1/webhook-endpoints/{id}', { params }),
    ]) {
      expect(answer.response.status).toBe(404);
      expect(answer.response.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.error?.code).toBe('not_found');
    }
    expect((await foreign.GET('/v1/webhook-endpoints')).data?.data).toEqual([]);

    expect((await client.DELETE('/v1/webhook-endpoints/{id}', { params })).response.status).toBe(
      204,
    );
    expect((await client.GET('/v1/webhook-endpoints/{id}', { params })).response.status).toBe(404);
  });

  it('refuses an obviously unusable URL or event with a 422 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'ftp://hooks.example.com/x' }, '/url'],
      [{ url: 'https://user:pw@hooks.example.com/x' }, '/url'],
      [{ url: 'not a url' }, '/url'],
      [{ url: 'javascript:alert(1)' }, '/url'],
      [{ url: 'https://hooks.example.com', events: ['export.started'] }, '/events/0'],
      [{ url: 'https://hooks.example.com', events: [] }, '/events'],
      [{ url: 'https://hooks.example.com', extra: 1 }, '/extra'],
      [{}, '/url'],
    ];
    for (const [body, pointer] of cases) {
      // Bodies the description forbids, so sent raw.
      const answer = await api(server.baseUrl, 'POST', '/v1/webhook-endpoints', {
        key: acme,
        body,
      });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.code).toBe('validation_failed');
      expect(answer.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ pointer })]),
      );
    }
    expect(
      (
        await portageClient(server.baseUrl).POST('/v1/webhook-endpoints', {
          body: { url: 'https://a.b' },
        })
      ).response.status,
    ).toBe(401);
  });

  it('signs each delivery so that standardwebhooks verifies it, and refuses a tampered body, an old timestamp, a wrong secret', async () => {
    const hooks = await receiver();
    const endpoint = await createEndpoint(acme, { url: hooks.url, events: ['export.completed'] });
    const sender = await openWebhookSender(server.runtime, { log: () => undefined });
    const created = await portageClient(server.baseUrl, acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    const done = await waitForExport(server.baseUrl, acme, created.data!.id);
    expect(done.status).toBe('completed');
    expect(await sender.runDue()).toBe(1);
    expect(hooks.received).toHaveLength(1);
    const [hook] = hooks.received;
    const headers = hook!.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toMatch(/^evt_/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const verified = new Webhook(endpoint.secret).verify(hook!.body, headers) as Record<
      string,
      unknown
    >;
    expect(verified.type).toBe('export.completed');
    expect(Date.parse(verified.timestamp as string)).not.toBeNaN();
    const data = verified.data as Record<string, unknown>;
    // The export object exactly as the API shows it (its link minted at another moment).
    const shown = {
      ...done,
      download_url: data.download_url,
      download_url_expires_at: data.download_url_expires_at,
    };
    expect(data).toEqual(shown);
    expect(data.download_url).toEqual(expect.any(String));

    const tampered = hook!.body.replace('"completed"', '"failed"');
    expect(() => new Webhook(endpoint.secret).verify(tampered, headers)).toThrow();
    const wrong = (await createEndpoint(acme, { url: hooks.url })).secret;
    expect(() => new Webhook(wrong).verify(hook!.body, headers)).toThrow();
    // An old timestamp, even correctly signed with the right secret, is refused.
    const old = new Date(Date.now() - 10 * 60_000);
    const resigned = new Webhook(endpoint.secret).sign(headers['webhook-id']!, old, hook!.body);
    expect(() =>
      new Webhook(endpoint.secret).verify(hook!.body, {
        ...headers,
        'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
        'webhook-signature': resigned,
      }),
    ).toThrow(/timestamp/i);

    const deliveries = await portageClient(server.baseUrl, acme).GET(
      '/v1/webhook-endpoints/{id}/deliveries',
      { params: { path: { id: endpoint.id } } },
    );
    expect(deliveries.data?.data).toEqual([
      expect.objectContaining({
        object: 'webhook_delivery',
        event_id: headers['webhook-id'],
        event_type: 'export.completed',
        status: 'succeeded',
        attempts: [
          expect.objectContaining({ number: 1, outcome: 'succeeded', response_status: 204 }),
        ],
      }),
    ]);

    const metrics = await fetch(new URL('/metrics', server.baseUrl), {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await metrics.text();
    expect(text).toContain(
      'portage_webhook_deliveries{event="export.completed",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'portage_webhook_attempts{event="export.completed",outcome="succeeded"} 1',
    );
  });

  it('retries on the documented schedule with a stable webhook-id, lists every attempt, and disables an endpoint failing for 5 days', async () => {
    const hooks = await receiver();
    hooks.answer = () => 500;
    const endpoint = await createEndpoint(globex, { url: hooks.url, events: ['export.failed'] });
    const clock = manualClock();
    const sender = await openWebhookSender(server.runtime, {
      clock: clock.now,
      log: () => undefined,
    });
    await canceledExport(globex);
    const start = clock.now().getTime();
    expect(await sender.runDue()).toBe(1);
    for (const delay of RETRY_DELAYS_SECONDS) {
      // Not a moment early.
      clock.advance(delay - 1);
      expect(await sender.runDue()).toBe(0);
      clock.advance(1);
      expect(await sender.runDue()).toBe(1);
    }
    clock.advance(30 * 86_400);
    expect(await sender.runDue()).toBe(0);

    expect(hooks.received).toHaveLength(12);
    const ids = new Set(hooks.received.map((h) => h.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const seconds = hooks.received.map((h) => Number(h.headers['webhook-timestamp']));
    expect(seconds.at(-1)! - seconds[0]!).toBe(444_905);
    expect(clock.now().getTime() - start).toBeGreaterThan(24 * 3600_000);

    const client = portageClient(server.baseUrl, globex);
    const params = { path: { id: endpoint.id } };
    const deliveries = await client.GET('/v1/webhook-endpoints/{id}/deliveries', { params });
    const [delivery] = deliveries.data!.data;
    expect(delivery).toMatchObject({ status: 'failed', next_attempt_at: null });
    const attempts = delivery!.attempts;
    expect(attempts.map((a) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        outcome: 'failed',
        response_status: 500,
        error: 'Answered 500.',
      });
      expect(attempt.duration_ms).toEqual(expect.any(Number));
    }
    const got = await client.GET('/v1/webhook-endpoints/{id}', { params });
    expect(got.data).toMatchObject({ status: 'disabled' });
    expect(got.data?.disabled_reason).toMatch(/5 days/);
    // A disabled endpoint gets no more events.
    await canceledExport(globex);
    expect(await sender.runDue()).toBe(0);

    // Its tenant enables it again: the run of failures starts from zero, so
    // one more failure five days after the first does not disable it at once.
    const enabled = await client.PATCH('/v1/webhook-endpoints/{id}', {
      params,
      body: { status: 'enabled' },
    });
    expect(enabled.response.status).toBe(200);
    expect(enabled.data).toMatchObject({
      status: 'enabled',
      disabled_at: null,
      disabled_reason: null,
    });
    await canceledExport(globex);
    expect(await sender.runDue()).toBe(1);
    expect(hooks.received).toHaveLength(13);
    const after = await client.GET('/v1/webhook-endpoints/{id}', { params });
    expect(after.data).toMatchObject({ status: 'enabled' });
    // Once it answers, the retry goes through with the same webhook-id.
    hooks.answer = () => 204;
    clock.advance(RETRY_DELAYS_SECONDS[0]!);
    expect(await sender.runDue()).toBe(1);
    expect(hooks.received).toHaveLength(14);
    expect(hooks.received[13]!.headers['webhook-id']).toBe(
      hooks.received[12]!.headers['webhook-id'],
    );
    expect(hooks.received[13]!.headers['webhook-id']).not.toBe(
      hooks.received[0]!.headers['webhook-id'],
    );
  });

  it('updates url, events and description, validates them, disables and enables, for its tenant only', async () => {
    const first = await receiver();
    const second = await receiver();
    const endpoint = await createEndpoint(acme, {
      url: first.url,
      events: ['export.completed'],
      description: 'billing',
    });
    const params = { path: { id: endpoint.id } };
    const patch = (key: string, body: EndpointUpdate) =>
      portageClient(server.baseUrl, key).PATCH('/v1/webhook-endpoints/{id}', { params, body });

    // Another tenant: 404, exactly as for a missing endpoint, and nothing changes.
    const foreign = await patch(globex, { url: second.url, status: 'disabled' });
    expect(foreign.response.status).toBe(404);
    expect(foreign.error?.code).toBe('not_found');
    const client = portageClient(server.baseUrl, acme);
    expect(
      (
        await client.PATCH('/v1/webhook-endpoints/{id}', {
          params: { path: { id: 'we_missing' } },
          body: { status: 'enabled' },
        })
      ).response.status,
    ).toBe(404);
    expect((await client.GET('/v1/webhook-endpoints/{id}', { params })).data).toMatchObject({
      url: first.url,
      status: 'enabled',
    });

    for (const [body, pointer] of [
      [{ url: 'ftp://hooks.example.com/x' }, '/url'],
      [{ url: 'https://user:pw@hooks.example.com/x' }, '/url'],
      [{ events: ['export.started'] }, '/events/0'],
      [{ events: [] }, '/events'],
      [{ status: 'paused' }, '/status'],
      [{ description: 'x'.repeat(501) }, '/description'],
      [{ secret: 'whsec_x' }, '/secret'],
    ] as const) {
      // Bodies the description forbids, so sent raw.
      const answer = await api(server.baseUrl, 'PATCH', `/v1/webhook-endpoints/${endpoint.id}`, {
        key: acme,
        body,
      });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.code).toBe('validation_failed');
      expect(answer.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ pointer })]),
      );
    }

    const updated = await patch(acme, {
      url: second.url,
      events: ['export.failed'],
      description: null,
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data).toMatchObject({
      id: endpoint.id,
      url: second.url,
      events: ['export.failed'],
      description: null,
      status: 'enabled',
    });
    expect(updated.data).toHaveProperty('secret', null);
    // A field left out keeps its value.
    expect((await patch(acme, { description: 'audit' })).data).toMatchObject({
      url: second.url,
      events: ['export.failed'],
      description: 'audit',
    });

    // The next event goes to the new URL, for the new events, signed with the same secret.
    const sender = await openWebhookSender(server.runtime, { log: () => undefined });
    await canceledExport(acme);
    expect(await sender.runDue()).toBe(1);
    expect(first.received).toEqual([]);
    expect(second.received).toHaveLength(1);
    expect(
      new Webhook(endpoint.secret).verify(
        second.received[0]!.body,
        second.received[0]!.headers as Record<string, string>,
      ),
    ).toMatchObject({ type: 'export.failed' });

    // Disabled by its tenant: no event is sent until it is enabled again.
    const disabled = await patch(acme, { status: 'disabled' });
    expect(disabled.data).toMatchObject({
      status: 'disabled',
      disabled_reason: 'Disabled by its tenant.',
    });
    expect(disabled.data?.disabled_at).toEqual(expect.any(String));
    await canceledExport(acme);
    expect(await sender.runDue()).toBe(0);
    expect((await patch(acme, { status: 'enabled' })).data).toMatchObject({
      status: 'enabled',
      disabled_at: null,
    });
    await canceledExport(acme);
    expect(await sender.runDue()).toBe(1);
    expect(second.received).toHaveLength(2);
  });

  it('delivers import events with the import object as the API shows it', async () => {
    const hooks = await receiver();
    const endpoint = await createEndpoint(acme, { url: hooks.url, events: ['import.failed'] });
    const sender = await openWebhookSender(server.runtime, { log: () => undefined });
    const response = await fetch(new URL('/v1/imports', server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${acme}`, 'content-type': 'application/zip' },
      body: Buffer.from('PK\u0005\u0006 this is no bundle'),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const client = portageClient(server.baseUrl, acme);
    let shown;
    do {
      shown = (await client.GET('/v1/imports/{id}', { params: { path: { id } } })).data;
    } while (shown?.status === 'pending' || shown?.status === 'running');
    expect(shown?.status).toBe('failed');
    await sender.runDue();
    expect(hooks.received).toHaveLength(1);
    const body = new Webhook(endpoint.secret).verify(
      hooks.received[0]!.body,
      hooks.received[0]!.headers as Record<string, string>,
    );
    expect(body).toMatchObject({ type: 'import.failed', data: shown });
  });

  it('refuses loopback at send time without PORTAGE_WEBHOOK_ALLOW_PRIVATE, and records the refusal', async () => {
    const hooks = await receiver();
    // Created while allowed; a name can come to resolve to loopback later just the same.
    const endpoint = await createEndpoint(acme, { url: hooks.url, events: ['export.failed'] });
    const { runtime } = server;
    const settings = {
      ...runtime.settings,
      webhooks: { ...runtime.settings.webhooks, allowPrivate: false },
    };
    const sender = await openWebhookSender({ ...runtime, settings }, { log: () => undefined });
    await canceledExport(acme);
    expect(await sender.runDue()).toBe(1);
    expect(hooks.received).toEqual([]);
    const deliveries = await portageClient(server.baseUrl, acme).GET(
      '/v1/webhook-endpoints/{id}/deliveries',
      { params: { path: { id: endpoint.id } } },
    );
    const [delivery] = deliveries.data!.data;
    expect(delivery?.status).toBe('pending');
    expect(delivery?.attempts[0]).toMatchObject({ outcome: 'refused', response_status: null });
    expect(String(delivery?.attempts[0]?.error)).toContain('127.0.0.1');
  });

  it('lets a slow endpoint hold up neither another tenant nor an export', async () => {
    const slow = await receiver();
    slow.answer = () => 'hold';
    const fast = await receiver();
    await createEndpoint(acme, { url: slow.url, events: ['export.failed'] });
    await createEndpoint(globex, { url: fast.url, events: ['export.failed'] });
    const sender = new WebhookSender(
      {
        settings: server.runtime.settings,
        store: server.runtime.store,
        render: (event) => Promise.resolve(JSON.stringify({ type: event.type })),
      },
      { pollMs: 20, log: () => undefined },
    );
    sender.start();
    try {
      await canceledExport(acme);
      await slow.waitFor(1);
      await canceledExport(globex);
      await fast.waitFor(1);
      // The slow one still holds its answer, and exports still run.
      const created = await portageClient(server.baseUrl, acme).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      expect((await waitForExport(server.baseUrl, acme, created.data!.id)).status).toBe(
        'completed',
      );
      expect(slow.received).toHaveLength(1);
    } finally {
      slow.release(200);
      await sender.stop();
    }
  });
});

describe('webhook URLs without PORTAGE_WEBHOOK_ALLOW_PRIVATE', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({}, { worker: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses private, loopback, link-local and metadata addresses at creation', async () => {
    const key = Object.values(server.keys)[0]!;
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[fd00:ec2::254]/x',
      'http://0.0.0.0/x',
    ]) {
      const answer = await portageClient(server.baseUrl, key).POST('/v1/webhook-endpoints', {
        body: { url },
      });
      expect(answer.response.status, url).toBe(422);
      expect(answer.error?.errors).toEqual([expect.objectContaining({ pointer: '/url' })]);
    }
  });
});

// The suite above runs on Acme Tasks; every other demo platform gets the whole
// path once: an export of its own tenant, a signed delivery, the link in it.
for (const platform of DEMO_PLATFORMS.filter((p) => p !== DEFAULT_DEMO_PLATFORM))
  describe(`webhooks on ${platform.title}`, () => {
    let server: TestServer;
    let hooks: WebhookReceiver;
    beforeAll(async () => {
      server = await startServer({ PORTAGE_WEBHOOK_ALLOW_PRIVATE: 'true' }, { demo: platform });
      hooks = await startReceiver();
    });
    afterAll(async () => {
      await hooks.close();
      await server.close();
    });

    it('signs export.completed with the export object, whose link downloads the archive', async () => {
      const tenant = platform.tenants[0]!.id;
      const key = server.keys[tenant]!;
      const client = portageClient(server.baseUrl, key);
      const created = await client.POST('/v1/webhook-endpoints', {
        body: { url: hooks.url, events: ['export.completed'] },
      });
      expect(created.response.status).toBe(201);
      const secret = created.data!.secret;
      const sender = await openWebhookSender(server.runtime, { log: () => undefined });
      const requested = await client.POST('/v1/exports', { body: { purpose: 'migration' } });
      expect(requested.response.status).toBe(202);
      const done = await waitForExport(server.baseUrl, key, requested.data!.id);
      expect(done.status).toBe('completed');
      expect(await sender.runDue()).toBe(1);

      const [hook] = hooks.received;
      const event = new Webhook(secret).verify(
        hook!.body,
        hook!.headers as Record<string, string>,
      ) as { type: string; data: Record<string, unknown> };
      expect(event.type).toBe('export.completed');
      expect(event.data).toEqual({
        ...done,
        download_url: event.data.download_url,
        download_url_expires_at: event.data.download_url_expires_at,
      });
      // The export is of this platform's catalog.
      const own = loadCatalogFile(platform.catalogFile).categories.map((c) => c.name);
      expect(done.categories).toEqual(expect.arrayContaining([expect.any(String)]));
      for (const category of done.categories as string[]) expect(own).toContain(category);
      // Links are built on PORTAGE_PUBLIC_URL, unset here: the test server's own address stands in.
      const link = new URL(event.data.download_url as string);
      const download = await fetch(new URL(link.pathname + link.search, server.baseUrl));
      expect(download.status).toBe(200);
      const sha256 = createHash('sha256')
        .update(Buffer.from(await download.arrayBuffer()))
        .digest('hex');
      expect(sha256).toBe((done.file as { sha256: string }).sha256);
    });
  });
