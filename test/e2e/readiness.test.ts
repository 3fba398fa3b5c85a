import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';

describe('GET /readyz', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({}, { worker: false });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
  });

  it('answers 503 when storage fails fast while the database check is still pending', async () => {
    const { store, storage } = server.runtime;
    const realPing = store.ping.bind(store);
    vi.spyOn(store, 'ping').mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await realPing();
    });
    vi.spyOn(storage, 'ping').mockRejectedValue(
      new Error('InvalidAccessKeyId: the secret /srv/keys/s3.txt is wrong'),
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const answer = await api(server.baseUrl, 'GET', '/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'not_ready' });
      expect(String(answer.body.detail)).toContain('storage');
      // The cause is logged, not shown to whoever probes.
      expect(String(answer.body.detail)).not.toContain('/srv/keys');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      vi.restoreAllMocks();
    }
    expect((await api(server.baseUrl, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });
});
