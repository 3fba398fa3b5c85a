import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { api } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

describe('GET /metrics without PORTAGE_METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({}, { worker: false });
  });
  afterAll(async () => server?.close());

  it('answers 401 to everyone, whatever bearer token they send', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer ' },
      { authorization: 'Bearer x' },
    ];
    for (const headers of attempts) {
      // No key, or a bearer header without one: sent raw, as the client always sends its key.
      const answer = await api(server.baseUrl, 'GET', '/metrics', { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'unauthorized' });
      expect(String(answer.body.detail)).toContain('PORTAGE_METRICS_TOKEN');
    }
    const tenant = await portageClient(server.baseUrl, server.keys.acme).GET('/metrics');
    expect(tenant.response.status).toBe(401);
  });
});
