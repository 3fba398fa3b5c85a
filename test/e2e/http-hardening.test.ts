import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import { rawRequest } from '../support/raw-http.js';

type Problem = { status: number; code: string; detail: string };

function expectProblem(
  answer: { status: number; headers: Headers; body: unknown },
  status: number,
  code: string,
): Problem {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, code });
  return answer.body as Problem;
}

/** Resolves once `seen` holds (log lines reach the sink a moment after the answer). */
async function until(seen: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error('the expected log lines never came');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Collects a server's log lines. */
function logSink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('answers a client can provoke are problems with a code', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startServer({}, { worker: false });
    key = server.keys.acme!;
  });
  afterAll(async () => server?.close());

  it('a path escaping the static folder of /docs never answers 500 nor a file outside it', async () => {
    for (const path of [
      '/docs/static/%2e%2e/',
      '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/..%2f..%2f..%2fpackage.json',
      '/docs/static/%00',
    ]) {
      const response = await fetch(new URL(path, server.baseUrl), { redirect: 'manual' });
      const text = await response.text();
      expect(response.status, path).toBeLessThan(500);
      expect(text).not.toContain('"devDependencies"');
      if (response.status >= 400) {
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(text)).toHaveProperty('code');
      }
    }
  });

  it('escaping paths sent as they are (no client normalising them) never answer 5xx', async () => {
    const paths = [
      '/docs/static/%2e%2e/',
      '/docs/static/%2E%2E/',
      '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/..%2f',
      '/docs/static/..%2f..%2f..%2fpackage.json',
      '/docs/static/..%5c..%5cpackage.json',
      '/docs/static/../../package.json',
      '/docs/static/%00',
      '/docs/static/index.html%00.js',
      '/docs/static/%c0%ae%c0%ae/',
      '/docs/static/%ff',
      '/docs/static/%',
      '/docs/static/%2',
      `/docs/static/${'a'.repeat(4000)}`,
      `/docs/static/${'%2e%2e/'.repeat(600)}`,
      `/docs/static/${'a/'.repeat(2000)}x.js`,
      '/docs/%2e%2e/%2e%2e/etc/passwd',
      '/docs/static//etc/passwd',
      '/docs/json/%2e%2e',
      '/v1/exports/%2e%2e/%2e%2e/docs/static/%2e%2e/',
    ];
    for (const path of paths) {
      const answer = await rawRequest(
        server.baseUrl,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
      );
      const shown = path.slice(0, 60);
      expect(answer.status, shown).not.toBeNull();
      expect(answer.status!, shown).toBeLessThan(500);
      expect(answer.body, shown).not.toContain('"devDependencies"');
      expect(answer.body, shown).not.toContain('root:');
      if (answer.status! >= 400) {
        expect(answer.text, shown).toMatch(/content-type: application\/problem\+json/i);
        expect(JSON.parse(answer.body), shown).toHaveProperty('code');
      }
    }
    // Still serving.
    expect((await fetch(new URL('/healthz', server.baseUrl))).status).toBe(200);
  });

  it('an id that does not decode is 400, an id of 5,000 characters 404', async () => {
    expectProblem(await api(server.baseUrl, 'GET', '/v1/exports/%ff', { key }), 400, 'bad_request');
    const long = `exp_${'a'.repeat(5000)}`;
    expectProblem(
      await api(server.baseUrl, 'GET', `/v1/exports/${long}`, { key }),
      404,
      'not_found',
    );
  });

  it('malformed HTTP is 400 and oversized headers 431, as problems', async () => {
    const garbage = await rawRequest(
      server.baseUrl,
      'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    );
    expect(garbage.status).toBe(400);
    expect(garbage.text).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(garbage.body)).toMatchObject({ code: 'bad_request', status: 400 });
    const huge = await rawRequest(
      server.baseUrl,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toMatchObject({ code: 'headers_too_large', status: 431 });
  });

  it('answers what Node would answer bare or drop as problems: no Host, an odd Expect, CONNECT', async () => {
    const cases = [
      ['GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'bad_request'],
      [
        'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: x\r\nConnection: close\r\n\r\n',
        400,
        'bad_request',
      ],
      ['CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n', 405, 'method_not_allowed'],
    ] as const;
    for (const [request, status, code] of cases) {
      const answer = await rawRequest(server.baseUrl, request);
      expect(answer.status, request).toBe(status);
      expect(answer.text, request).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(answer.body), request).toMatchObject({ code, status });
    }
    // HTTP/1.0 needs no Host.
    const old = await rawRequest(server.baseUrl, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
  });

  it('authenticates before looking at the body: 401, not 415 or 422, without a key', async () => {
    expectProblem(
      await api(server.baseUrl, 'POST', '/v1/exports', { body: { purpose: 'nope' } }),
      401,
      'unauthorized',
    );
    expectProblem(
      await api(server.baseUrl, 'POST', '/v1/exports', {
        rawBody: 'purpose=migration',
        headers: { 'content-type': 'text/plain' },
      }),
      401,
      'unauthorized',
    );
    expectProblem(
      await api(server.baseUrl, 'POST', '/v1/imports', {
        rawBody: 'x',
        headers: { 'content-type': 'text/plain' },
      }),
      401,
      'unauthorized',
    );
  });

  it('a body that is not JSON is 415 for POST /v1/exports, text and zip alike', async () => {
    for (const type of ['text/plain', 'application/zip', 'application/octet-stream']) {
      expectProblem(
        await api(server.baseUrl, 'POST', '/v1/exports', {
          key,
          rawBody: '{"purpose":"migration"}',
          headers: { 'content-type': type },
        }),
        415,
        'unsupported_media_type',
      );
    }
  });
});

describe('links and logs trust only what is configured', () => {
  let server: TestServer;
  let key: string;
  let exportId: string;
  const logs = logSink();
  beforeAll(async () => {
    server = await startServer({}, { logStream: logs.stream });
    key = server.keys.acme!;
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration', categories: ['account'], formats: ['json'] },
    });
    exportId = String(created.body.id);
    expect((await waitForExport(server.baseUrl, key, exportId)).status).toBe('completed');
  });
  afterAll(async () => server?.close());

  it('ignores X-Forwarded-* from a peer that is not a configured proxy', async () => {
    const answer = await api(server.baseUrl, 'GET', `/v1/exports/${exportId}`, {
      key,
      headers: {
        'x-forwarded-proto': 'javascript',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-for': '203.0.113.9',
      },
    });
    expect(answer.status).toBe(200);
    expect(String(answer.body.download_url)).toMatch(
      new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}/v1/exports/`),
    );
    expect(logs.text()).not.toContain('203.0.113.9');
  });

  it('never builds a link on a Host header that is not a host name', async () => {
    const { hostname, port } = new URL(server.baseUrl);
    const answer = await rawRequest(
      server.baseUrl,
      `GET /v1/exports/${exportId} HTTP/1.1\r\nHost: evil.example/x?y\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('evil.example');
    expect(`${hostname}:${port}`).not.toBe('');
  });

  it('writes no signature, token or API key into the request log', async () => {
    const view = await api(server.baseUrl, 'GET', `/v1/exports/${exportId}`, { key });
    const url = new URL(String(view.body.download_url));
    const signature = url.searchParams.get('signature')!;
    expect(signature.length).toBeGreaterThan(10);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    await fetch(
      new URL(`/v1/catalog?token=tok-secret-1&access_token=tok-secret-2`, server.baseUrl),
    );
    // A signature on a path no route answers is as secret as on one that does.
    await fetch(new URL(`/v1/nowhere?signature=${signature}`, server.baseUrl));
    // A portal link carries its one-time token in the path: whoever reads the log
    // before the customer opens it would get the customer's session.
    const session = await api(server.baseUrl, 'POST', '/v1/portal-sessions', { key });
    expect(session.status).toBe(201);
    const portalLink = new URL(String(session.body.url));
    const portalToken = portalLink.pathname.split('/').pop()!;
    expect(portalToken.length).toBeGreaterThan(40);
    const opened = await fetch(new URL(portalLink.pathname, server.baseUrl), {
      redirect: 'manual',
    });
    expect(opened.status).toBe(303);
    await until(() => logs.text().includes('/portal/start/') && logs.text().includes('/nowhere'));
    await until(() => (logs.text().match(/"request completed"/g) ?? []).length >= 6);
    const text = logs.text();
    expect(text).toContain(`/v1/exports/${exportId}/download?`);
    expect(text).toContain('/portal/start/[REDACTED]');
    for (const secret of [signature, key, 'tok-secret-1', 'tok-secret-2', portalToken])
      expect(text).not.toContain(secret);
  });
});

describe('with PORTAGE_TRUST_PROXY', () => {
  let server: TestServer;
  let key: string;
  let exportId: string;
  beforeAll(async () => {
    server = await startServer({ PORTAGE_TRUST_PROXY: '127.0.0.0/8' });
    key = server.keys.acme!;
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration', categories: ['account'], formats: ['json'] },
    });
    exportId = String(created.body.id);
    await waitForExport(server.baseUrl, key, exportId);
  });
  afterAll(async () => server?.close());

  it("builds links on a trusted proxy's forwarded scheme and host", async () => {
    const answer = await api(server.baseUrl, 'GET', `/v1/exports/${exportId}`, {
      key,
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'exports.example.com' },
    });
    expect(String(answer.body.download_url)).toMatch(/^https:\/\/exports\.example\.com\/v1\//);
  });

  it('refuses a forwarded scheme that is not http or https', async () => {
    const answer = await api(server.baseUrl, 'GET', `/v1/exports/${exportId}`, {
      key,
      headers: { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example' },
    });
    expectProblem(answer, 400, 'bad_request');
    expect(JSON.stringify(answer.body)).not.toContain('javascript:');
  });
});

describe('with PORTAGE_PUBLIC_URL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      PORTAGE_PUBLIC_URL: 'https://public.example.com',
      PORTAGE_TRUST_PROXY: '127.0.0.1',
    });
  });
  afterAll(async () => server?.close());

  it('builds every link on it, whatever the request says', async () => {
    const key = server.keys.acme!;
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration', categories: ['account'], formats: ['json'] },
    });
    await waitForExport(server.baseUrl, key, String(created.body.id));
    const answer = await api(server.baseUrl, 'GET', `/v1/exports/${String(created.body.id)}`, {
      key,
      headers: { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example' },
    });
    expect(String(answer.body.download_url)).toMatch(/^https:\/\/public\.example\.com\/v1\//);
  });
});
