import fc from 'fast-check';
import { prefersHtml } from '../../src/api/html-problem.js';
import { ERROR_CODES } from '../../src/errors/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/portage-server.js';
import { rawRequest } from '../support/raw-http.js';

/** A malformed or hostile request, as the bytes a client would send. */
interface Attack {
  readonly method: string;
  readonly path: string;
  readonly version: string;
  /** Whether the request carries a Host header. */
  readonly host: boolean;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

const ENDPOINTS = [
  '/v1/exports',
  '/v1/exports/exp_x',
  '/v1/exports/exp_x/download',
  '/v1/exports/exp_x/email-link',
  '/v1/exports/exp_x/mail',
  '/v1/imports',
  '/v1/imports/imp_x',
  '/v1/catalog',
  '/v1/signing-keys',
  '/v1/signing-keys/x.pem',
  '/v1/webhook-endpoints',
  '/v1/webhook-endpoints/whe_x/deliveries',
  '/v1/portal-sessions',
  '/portal',
  '/portal/start/x',
  '/portal/api/exports',
  '/portal/assets/x',
  '/docs/export',
  '/docs/static/',
  '/openapi.json',
  '/metrics',
  '/readyz',
  '/healthz',
  '/',
];

const oddSegment = fc.oneof(
  fc.constantFrom(
    '%ff',
    '%00',
    '%2e%2e',
    '..',
    '%2f',
    '%c0%af',
    '%',
    '%%',
    '%e2%82',
    '\u00e9',
    '~',
    ';x',
    'a'.repeat(300),
  ),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,30}$/),
);

const path = fc.oneof(
  fc.constantFrom(...ENDPOINTS),
  fc
    .tuple(fc.constantFrom(...ENDPOINTS), fc.array(oddSegment, { maxLength: 3 }))
    .map(([base, segments]) => [base.replace(/\/$/, ''), ...segments].join('/')),
  fc
    .tuple(fc.constantFrom(...ENDPOINTS), fc.dictionary(oddSegment, oddSegment, { maxKeys: 3 }))
    .map(
      ([base, query]) =>
        `${base}?${Object.entries(query)
          .map(([k, v]) => `${k}=${v}`)
          .join('&')}`,
    ),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=latin1',
  'application/zip',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/problem+json',
  '*/*',
  '',
  ';;;',
  'application/json\u0000',
);

const header = fc.oneof(
  fc.tuple(fc.constant('Content-Type'), contentType),
  fc.tuple(
    fc.constant('Authorization'),
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer ptg_nope', 'Basic Zm9vOmJhcg==', 'Bearer a b'),
  ),
  fc.tuple(
    fc.constant('Range'),
    fc.constantFrom('bytes=0-', 'bytes=-0', 'bytes=9-1', 'x', 'bytes=0-1,2-3'),
  ),
  fc.tuple(fc.constant('Idempotency-Key'), fc.string({ maxLength: 300 })),
  fc.tuple(fc.constant('Accept'), fc.constantFrom('text/html', '*/*', 'application/json', ';')),
  fc.tuple(fc.constant('X-Forwarded-Proto'), fc.constantFrom('javascript', 'https', '')),
  fc.tuple(fc.constant('X-Forwarded-Host'), fc.constantFrom('evil.example', 'a/b', '')),
  fc.tuple(fc.constant('Content-Encoding'), fc.constantFrom('gzip', 'br', 'x')),
  fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', 'x', '')),
  fc.tuple(fc.constant('Transfer-Encoding'), fc.constantFrom('chunked', 'gzip', 'x')),
);

const body = fc.oneof(
  fc.constant(''),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '{"purpose":"migration"}',
    '{"purpose":"closure","csv":{"formula_protection":"yes"}}',
    '{"purpose":',
    '[]',
    'null',
    '{"__proto__":{"x":1},"purpose":"audit"}',
    'PK\u0003\u0004garbage',
  ),
  fc.string({ maxLength: 200 }),
);

const attack: fc.Arbitrary<Attack> = fc.record({
  method: fc.constantFrom(
    'GET',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'HEAD',
    'OPTIONS',
    'TRACE',
    'CONNECT',
    'FOO',
  ),
  path,
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x'),
  host: fc.constantFrom(true, true, true, false),
  headers: fc.array(header, { maxLength: 4 }),
  body,
});

/** The request line, headers and body of an attack, as raw HTTP/1.1 bytes. */
function toBytes(a: Attack): Buffer {
  const content = Buffer.from(a.body, 'utf8');
  const lines = [`${a.method} ${a.path} ${a.version}`, 'Connection: close'];
  if (a.host) lines.push('Host: 127.0.0.1');
  for (const [name, value] of a.headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, ' ')}`);
  if (content.length > 0 || a.method === 'POST') lines.push(`Content-Length: ${content.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), content]);
}

describe('adversarial HTTP: generated malformed requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({}, { worker: false });
  });
  afterAll(async () => server?.close());

  it('answers each one with a problem+json carrying a code, never a 5xx, and stays up', async () => {
    let seen = 0;
    const before = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(attack, async (a) => {
        seen++;
        const answer = await rawRequest(server.baseUrl, toBytes(a));
        expect(answer.status, answer.text.slice(0, 300)).not.toBeNull();
        const status = answer.status!;
        expect(status, `${a.method} ${a.path}`).toBeLessThan(500);
        expect(status, `${a.method} ${a.path}`).toBeGreaterThanOrEqual(200);
        if (status >= 400 && a.method !== 'HEAD') {
          // The pages a person opens answer a browser with a page (SPEC 12.4), the same status and code in it.
          const accept = a.headers.filter(([name]) => name === 'Accept').map(([, v]) => v);
          const page =
            /^\/(?:portal|docs)(?:[/?]|$)/.test(a.path) &&
            prefersHtml(accept.length === 0 ? undefined : accept.join(', ')) &&
            /\r\ncontent-type: text\/html/i.test(answer.text);
          if (page) {
            expect(answer.body).toContain(String(status));
            const codes = Object.keys(ERROR_CODES).filter((code) => answer.body.includes(code));
            expect(codes, answer.body.slice(0, 300)).not.toEqual([]);
          } else {
            expect(answer.text).toMatch(/\r\ncontent-type: application\/problem\+json/i);
            const problem = JSON.parse(answer.body) as { code?: unknown; status?: unknown };
            expect(typeof problem.code).toBe('string');
            expect(problem.status).toBe(status);
          }
        }
      }),
      { numRuns: 400, seed: 9 },
    );
    expect(seen).toBeGreaterThanOrEqual(300);
    const health = await fetch(new URL('/healthz', server.baseUrl));
    expect(health.status).toBe(200);
    // Memory stays bounded: 400 requests may not grow the process by more than 200 MiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});
