import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/portage-server.js';
import { demoCopy } from './import-fixtures.js';

async function upload(server: TestServer, key: string) {
  const response = await fetch(new URL('/v1/imports?dry_run=true', server.baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/zip' },
    body: Buffer.from('PK\u0003\u0004 not a bundle'),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('import quotas, per tenant', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A platform that holds the tenants' accounts: imports for a tenant without one are refused.
    const platform = await demoCopy();
    server = await startServer(
      { PORTAGE_IMPORT_LIMIT_PER_DAY: '2' },
      { platform: { sourceUrl: platform.db, filesDir: platform.filesDir } },
    );
  });
  afterAll(async () => server?.close());

  it('answers 429 past PORTAGE_IMPORT_LIMIT_PER_DAY, with the same headers as exports', async () => {
    const acme = server.keys.acme!;
    const first = await upload(server, acme);
    expect(first.status).toBe(202);
    expect(first.headers.get('ratelimit-policy')).toBe('"imports-day";q=2;w=86400');
    // Quota remains, and the first import frees its slot when it leaves the 24 h window.
    const reset = /^"imports-day";r=1;t=(\d+)$/.exec(first.headers.get('ratelimit') ?? '');
    expect(Number(reset?.[1])).toBeGreaterThan(86_000);
    expect((await upload(server, acme)).status).toBe(202);
    const refused = await upload(server, acme);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(86_000);
    expect(refused.headers.get('ratelimit')).toMatch(/^"imports-day";r=0;t=\d+$/);
    // Another tenant's quota is its own.
    expect((await upload(server, server.keys.globex!)).status).toBe(202);
  });

  it('grants exactly the quota to uploads sent at once', async () => {
    const initech = server.keys.initech!;
    const answers = await Promise.all(Array.from({ length: 8 }, () => upload(server, initech)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 202, 429, 429, 429, 429, 429, 429]);
  });
});
