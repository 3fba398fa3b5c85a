import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { portageClient } from '../support/api-client.js';
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
      const answer = await portageClient(server.baseUrl).GET('/readyz');
      expect(answer.response.status).toBe(503);
      expect(answer.error).toMatchObject({ code: 'not_ready' });
      expect(answer.error?.detail).toContain('storage');
      // The cause is logged, not shown to whoever probes.
      expect(answer.error?.detail).not.toContain('/srv/keys');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      vi.restoreAllMocks();
    }
    expect((await portageClient(server.baseUrl).GET('/readyz')).data).toEqual({ status: 'ready' });
  });
});
