import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer } from '../support/portage-server.js';

describe('exports survive their process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portage-recovery-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('a pending export is picked up by the next start', async () => {
    const first = await startServer({}, { dataDir, worker: false });
    const created = await portageClient(first.baseUrl, first.keys.acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    await first.close();

    const second = await startServer({}, { dataDir });
    try {
      const done = await waitForExport(second.baseUrl, second.keys.acme!, created.data!.id);
      expect(done.status).toBe('completed');
    } finally {
      await second.close();
    }
  });

  it('a running export whose worker died is taken over once its lease lapses', async () => {
    const server = await startServer({ PORTAGE_LEASE_SECONDS: '1' }, { dataDir, worker: false });
    const created = await portageClient(server.baseUrl, server.keys.globex).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    const id = created.data!.id;
    // A worker that claims the export and then dies without a word.
    const claimed = await server.runtime.store.leases.claim({
      owner: 'dead-worker',
      leaseMs: 1000,
      maxAttempts: 3,
      limitsOf: () => Promise.resolve(server.settings.limits),
    });
    expect(claimed?.export.id).toBe(id);
    expect(
      (
        await portageClient(server.baseUrl, server.keys.globex).GET('/v1/exports/{id}', {
          params: { path: { id } },
        })
      ).data!.status,
    ).toBe('running');
    await server.close();

    const next = await startServer({ PORTAGE_LEASE_SECONDS: '1' }, { dataDir });
    try {
      const done = await waitForExport(next.baseUrl, next.keys.globex!, id);
      expect(done.status).toBe('completed');
      expect((await next.runtime.store.exports.getById(id))?.attempts).toBe(2);
      // The dead worker's lease is fenced off: it can no longer write.
      expect(
        await next.runtime.store.leases.progress(claimed!.lease, {
          categoriesTotal: 1,
          categoriesDone: 1,
          rowsWritten: 1,
          bytesWritten: 1,
        }),
      ).toBe(false);
    } finally {
      await next.close();
    }
  });

  it('fails with a clear error after its attempts are spent, and stops counting against the quota', async () => {
    const server = await startServer(
      { PORTAGE_MAX_ATTEMPTS: '2', PORTAGE_LEASE_SECONDS: '1' },
      { dataDir, worker: false },
    );
    try {
      const created = await portageClient(server.baseUrl, server.keys.initech).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      const id = created.data!.id;
      const options = {
        owner: 'crashing-worker',
        leaseMs: 1,
        maxAttempts: 2,
        limitsOf: () => Promise.resolve(server.settings.limits),
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        expect((await server.runtime.store.leases.claim(options))?.export.id).toBe(id);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await server.runtime.store.leases.claim(options)).toBeNull();
      const failed = (
        await portageClient(server.baseUrl, server.keys.initech).GET('/v1/exports/{id}', {
          params: { path: { id } },
        })
      ).data;
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'attempts_exhausted' } });
      expect(failed?.error?.message).toMatch(/attempted 2 times/);
      const quotas = await server.runtime.store.exports.quotas('initech', server.settings.limits);
      expect(quotas[0]!.remaining).toBe(server.settings.limits.perDay);
    } finally {
      await server.close();
    }
  });
});
