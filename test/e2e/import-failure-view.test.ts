import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import { demoCopy } from './import-fixtures.js';

describe('a failed import, as the tenant sees it', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A platform that holds the tenants' accounts: imports for a tenant without one are refused.
    const platform = await demoCopy();
    server = await startServer(
      {},
      { platform: { sourceUrl: platform.db, filesDir: platform.filesDir } },
    );
  });
  afterAll(async () => server?.close());

  it('reports counts null and an error without server paths', async () => {
    const key = server.keys.acme!;
    const response = await fetch(new URL('/v1/imports', server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/zip' },
      body: Buffer.from('PK\u0003\u0004 this is not a zip archive at all'),
    });
    expect(response.status).toBe(202);
    const created = (await response.json()) as { id: string; counts: unknown };
    expect(created.counts).toBeNull();
    let body: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) {
      body = (
        await portageClient(server.baseUrl, key).GET('/v1/imports/{id}', {
          params: { path: { id: created.id } },
        })
      ).data as Record<string, unknown>;
      if (body.status === 'completed' || body.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(body.status).toBe('failed');
    expect(body.counts).toBeNull();
    const message = (body.error as { message: string }).message;
    expect(message).not.toContain(server.dataDir);
    expect(message).not.toMatch(/(^|[\s'"(])\/(tmp|home|srv|work|var)\//);
  });
});
