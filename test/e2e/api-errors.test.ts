import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/index.js';
import { api, waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

const METRICS_TOKEN = 'metrics-token-for-tests';

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { pointer: string; detail: string }[];
};

function expectProblem(
  answer: { status: number; headers: Headers; body: unknown },
  status: number,
  code: string,
) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = answer.body as Problem;
  expect(body).toMatchObject({
    status,
    code,
    title: expect.any(String) as string,
    detail: expect.any(String) as string,
  });
  expect(body.type).toContain(code);
  return body;
}

describe('API errors, answered as problem details', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    // No worker: exports stay pending, so "not yet completed" can be observed.
    server = await startServer({ PORTAGE_METRICS_TOKEN: METRICS_TOKEN }, { worker: false });
    key = server.keys.acme!;
  });
  afterAll(async () => server?.close());

  it('401 without a key, with an unknown key, and with a malformed header', async () => {
    expectProblem(await api(server.baseUrl, 'GET', '/v1/exports'), 401, 'unauthorized');
    expectProblem(
      await api(server.baseUrl, 'GET', '/v1/exports', { key: 'ptg_nope' }),
      401,
      'unauthorized',
    );
    const basic = await api(server.baseUrl, 'GET', '/v1/exports', {
      headers: { authorization: 'Basic abc' },
    });
    expectProblem(basic, 401, 'unauthorized');
    expect(basic.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('400 for malformed JSON and an empty JSON body', async () => {
    const headers = { 'content-type': 'application/json' };
    expectProblem(
      await api(server.baseUrl, 'POST', '/v1/exports', { key, rawBody: '{"purpose":', headers }),
      400,
      'malformed_json',
    );
    expectProblem(
      await api(server.baseUrl, 'POST', '/v1/exports', { key, rawBody: '', headers }),
      400,
      'malformed_json',
    );
  });

  it('415 for a body that is not JSON', async () => {
    const answer = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      rawBody: 'purpose=migration',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(answer, 415, 'unsupported_media_type');
  });

  it('422 naming each bad field with a JSON pointer', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ purpose: 'sightseeing' }, '/purpose', /one of: migration, duplication, closure, audit/],
      [{}, '/purpose', /required/],
      [{ purpose: 'migration', formats: ['xml'] }, '/formats/0', /one of/],
      [
        { purpose: 'migration', formats: ['pdf'] },
        '/formats/0',
        /not allowed for purpose "migration"/,
      ],
      [{ purpose: 'migration', categories: ['nope'] }, '/categories/0', /not a category/],
      [{ purpose: 'migration', categories: ['api_keys'] }, '/categories/0', /never exported/],
      [{ purpose: 'migration', colour: 'blue' }, '/colour', /not a known field/],
      [{ purpose: 'migration', csv: { bom: 'yes' } }, '/csv/bom', /boolean/],
      [
        { purpose: 'migration', formats: ['json'], csv: { bom: true } },
        '/csv',
        /need the "csv" format/,
      ],
      [['migration'], '/', /object/],
    ];
    for (const [body, pointer, detail] of cases) {
      const problem = expectProblem(
        await api(server.baseUrl, 'POST', '/v1/exports', { key, body }),
        422,
        'validation_failed',
      );
      const error = problem.errors?.find((e) => e.pointer === pointer);
      expect(error, `${JSON.stringify(body)} → ${JSON.stringify(problem.errors)}`).toBeDefined();
      expect(error!.detail).toMatch(detail);
    }
  });

  it("404 for an unknown id and for another tenant's export, alike", async () => {
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration' },
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const missing = expectProblem(
      await api(server.baseUrl, 'GET', '/v1/exports/exp_doesnotexist', { key }),
      404,
      'not_found',
    );
    const foreign = expectProblem(
      await api(server.baseUrl, 'GET', `/v1/exports/${id}`, { key: server.keys.globex }),
      404,
      'not_found',
    );
    expect(foreign.title).toBe(missing.title);
    expectProblem(
      await api(server.baseUrl, 'GET', `/v1/exports/${id}/download`, { key: server.keys.globex }),
      404,
      'not_found',
    );
    expectProblem(
      await api(server.baseUrl, 'DELETE', `/v1/exports/${id}`, { key: server.keys.globex }),
      404,
      'not_found',
    );
  });

  it('409 when downloading an export that is not completed', async () => {
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration' },
    });
    expectProblem(
      await api(server.baseUrl, 'GET', `/v1/exports/${String(created.body.id)}/download`, { key }),
      409,
      'export_not_ready',
    );
  });

  it('DELETE cancels a pending export: failed with error.code canceled', async () => {
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration' },
    });
    const deleted = await api(server.baseUrl, 'DELETE', `/v1/exports/${String(created.body.id)}`, {
      key,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
    const again = await api(server.baseUrl, 'DELETE', `/v1/exports/${String(created.body.id)}`, {
      key,
    });
    expect(again.body).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
  });

  it('404 problem for an unknown route', async () => {
    expectProblem(await api(server.baseUrl, 'GET', '/v1/nothing-here'), 404, 'route_not_found');
  });

  it('422 for a bad list limit and an unknown cursor', async () => {
    const limit = expectProblem(
      await api(server.baseUrl, 'GET', '/v1/exports?limit=500', { key }),
      422,
      'validation_failed',
    );
    expect(limit.errors?.[0]?.pointer).toBe('/querystring/limit');
    expectProblem(
      await api(server.baseUrl, 'GET', '/v1/exports?cursor=zzz', { key }),
      422,
      'validation_failed',
    );
  });

  it('describes every route and every error code in /openapi.json, with a reference page at /docs', async () => {
    const spec = await api<{
      openapi: string;
      paths: Record<string, unknown>;
      info: { description: string };
    }>(server.baseUrl, 'GET', '/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/exports',
      '/v1/exports/{id}',
      '/v1/exports/{id}/download',
      '/healthz',
      '/readyz',
      '/metrics',
      '/v1/catalog',
      '/v1/imports',
      '/v1/signing-keys',
    ]) {
      expect(Object.keys(spec.body.paths)).toContain(path);
    }
    for (const code of Object.keys(ERROR_CODES))
      expect(spec.body.info.description).toContain(`\`${code}\``);
    const page = await fetch(new URL('/docs', server.baseUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
  });

  it('answers /metrics with 401 without the metrics token, or with a tenant key', async () => {
    expectProblem(await api(server.baseUrl, 'GET', '/metrics'), 401, 'unauthorized');
    expectProblem(await api(server.baseUrl, 'GET', '/metrics', { key }), 401, 'unauthorized');
  });

  it('serves Prometheus metrics: requests by route pattern, exports by status', async () => {
    const response = await fetch(new URL('/metrics', server.baseUrl), {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^portage_exports\{status="pending"\} [1-9]\d*$/m);
    expect(text).toMatch(/^portage_exports\{status="failed"\} [1-9]\d*$/m);
    expect(text).toMatch(
      /^portage_http_requests_total\{method="GET",route="\/v1\/exports\/:id",status="404"\} [1-9]\d*$/m,
    );
    expect(text).not.toContain('exp_');
    expect(text).toMatch(/^portage_process_resident_memory_bytes \d+/m);
  });

  it('answers liveness and readiness', async () => {
    expect((await api(server.baseUrl, 'GET', '/healthz')).status).toBe(200);
    expect((await api(server.baseUrl, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });
});

describe('quotas, idempotency, lists, expiry', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PORTAGE_LIMIT_PER_DAY: '3' }, { worker: true });
  });
  afterAll(async () => server?.close());

  it('replays an Idempotency-Key without spending quota, and refuses its reuse with another body', async () => {
    const key = server.keys.globex!;
    const headers = { 'idempotency-key': 'order-42' };
    const first = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      headers,
      body: { purpose: 'migration' },
    });
    const replay = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      headers,
      body: { purpose: 'migration' },
    });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      headers,
      body: { purpose: 'migration', formats: ['jsonl'] },
    });
    expectProblem(reused, 422, 'idempotency_key_reused');
    // The same key is another tenant's own.
    const other = await api(server.baseUrl, 'POST', '/v1/exports', {
      key: server.keys.initech,
      headers,
      body: { purpose: 'migration' },
    });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('answers 429 with Retry-After and RateLimit headers past the daily quota', async () => {
    const key = server.keys.acme!;
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await api(server.baseUrl, 'POST', '/v1/exports', {
          key,
          body: { purpose: 'migration', formats: ['jsonl'] },
        }),
      );
    }
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe(
      '"day";q=3;w=86400, "month";q=50;w=2592000',
    );
    // Quota remains, and the first export frees its slot when it leaves the 24 h window.
    const first = /^"day";r=2;t=(\d+)$/.exec(answers[0]!.headers.get('ratelimit') ?? '');
    expect(Number(first?.[1])).toBeGreaterThan(86_000);
    const second = /^"day";r=1;t=(\d+)$/.exec(answers[1]!.headers.get('ratelimit') ?? '');
    expect(Number(second?.[1])).toBeGreaterThan(86_000);
    const refused = answers[3]!;
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(86_000);
    expect(refused.headers.get('ratelimit')).toMatch(/^"day";r=0;t=\d+$/);
  });

  it('lists newest first, page by page, with next_cursor', async () => {
    const key = server.keys.acme!;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/exports?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api<{
        data: { id: string; created_at: string }[];
        next_cursor: string | null;
      }>(server.baseUrl, 'GET', path, { key });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    const all = await api<{ data: { created_at: string }[] }>(
      server.baseUrl,
      'GET',
      '/v1/exports',
      { key },
    );
    const times = all.body.data.map((e) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('deletes a completed export early: expired, and its download answers 410', async () => {
    const key = server.keys.acme!;
    const list = await api<{ data: { id: string }[] }>(server.baseUrl, 'GET', '/v1/exports', {
      key,
    });
    const id = list.body.data[0]!.id;
    const done = await waitForExport(server.baseUrl, key, id);
    expect(done.status).toBe('completed');
    const deleted = await api(server.baseUrl, 'DELETE', `/v1/exports/${id}`, { key });
    expect(deleted.body).toMatchObject({ status: 'expired', download_url: null });
    expectProblem(
      await api(server.baseUrl, 'GET', `/v1/exports/${id}/download`, { key }),
      410,
      'export_expired',
    );
    expectProblem(
      await api(
        server.baseUrl,
        'GET',
        new URL(done.download_url as string).pathname + new URL(done.download_url as string).search,
      ),
      410,
      'export_expired',
    );
  });
});

describe('lifetimes of links and archives', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      PORTAGE_DOWNLOAD_TTL_SECONDS: '1',
      PORTAGE_RETENTION_SECONDS: '3',
    });
  });
  afterAll(async () => server?.close());

  it('refuses a download link past its TTL with 403, then expires the archive past retention', async () => {
    const key = server.keys.initech!;
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration', formats: ['jsonl'] },
    });
    const done = await waitForExport(server.baseUrl, key, created.body.id as string);
    expect(done.status).toBe('completed');
    const link = done.download_url as string;
    expect(Date.parse(done.download_url_expires_at as string) - Date.now()).toBeLessThanOrEqual(
      1000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await fetch(link);
    expect(stale.status).toBe(403);
    expect(((await stale.json()) as { code: string }).code).toBe('download_link_expired');
    // A fresh read mints a fresh link. It too lives a second: on a busy machine
    // it may lapse before it is followed, and is then refused like the first.
    const again = await api(server.baseUrl, 'GET', `/v1/exports/${String(done.id)}`, { key });
    const fresh = again.body.download_url as string;
    expect(fresh).not.toBe(link);
    const freshUntil = Date.parse(again.body.download_url_expires_at as string);
    const followed = Date.now();
    const answer = await fetch(fresh);
    const answered = Date.now();
    if (answered < freshUntil) expect(answer.status).toBe(200);
    else if (followed >= freshUntil) expect(answer.status).toBe(403);

    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Date.parse(done.expires_at as string) - Date.now() + 50)),
    );
    const expired = await api(server.baseUrl, 'GET', `/v1/exports/${String(done.id)}`, { key });
    expect(expired.body).toMatchObject({ status: 'expired', download_url: null });
    const record = await server.runtime.store.exports.getById(done.id as string);
    expect(await server.runtime.storage.stat(record!.storageKey!)).toBeNull();
    expectProblem(
      await api(server.baseUrl, 'GET', `/v1/exports/${String(done.id)}/download`, { key }),
      410,
      'export_expired',
    );
  });
});
