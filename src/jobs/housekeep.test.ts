import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../storage/index.js';
import { openStore, type ExportRequest, type Store } from '../store/index.js';
import { housekeep, TEMPORARY_MAX_AGE_MS } from './expiry.js';
import { pieceKey } from './split-plan.js';

describe('housekeeping', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-housekeep-'));
    store = await openStore(join(dir, 'state.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('deletes a temporary object a crashed writer left, and keeps one being written', async () => {
    const storage = new FileStore(join(dir, 'archives'));
    const abandoned = await storage.beginWrite('exports/acme/abandoned.zip');
    abandoned.writable.end('half an archive');
    const live = await storage.beginWrite('exports/acme/live.zip');
    live.writable.write('being written');
    await finished(abandoned.writable);
    const temporaries = join(dir, 'archives', '.tmp');
    const names = await readdir(temporaries);
    const sizes = await Promise.all(
      names.map(async (n) => (await stat(join(temporaries, n))).size),
    );
    const abandonedName = names[sizes.indexOf('half an archive'.length)]!;
    const stale = new Date(Date.now() - TEMPORARY_MAX_AGE_MS - 60_000);
    await utimes(join(temporaries, abandonedName), stale, stale);

    await housekeep({ store, storage, settings: { notificationRetentionDays: 30 } });

    const left = await readdir(temporaries);
    expect(left).toHaveLength(1);
    expect(left).not.toContain(abandonedName);
    await live.abort();
    expect(await readdir(temporaries)).toEqual([]);
  });

  it('deletes the pieces of exports that ended or are unknown, and keeps those of live ones', async () => {
    const storage = new FileStore(join(dir, 'archives'));
    await store.tenants.upsert('acme', 'Acme');
    const limits = { perDay: 50, perMonth: 50, maxRunning: 10 };
    const request: ExportRequest = {
      tenantId: 'acme',
      purpose: 'migration',
      formats: ['csv'],
      categories: ['tasks'],
      csv: { bom: false, formulaProtection: false },
      idempotencyKey: null,
      requestHash: 'h',
    };
    const create = async () => {
      const created = await store.exports.create(request, limits);
      if (created.kind !== 'created') throw new Error(created.kind);
      return created.export.id;
    };
    const claim = () =>
      store.leases.claim({
        owner: 'w',
        leaseMs: 60_000,
        maxAttempts: 3,
        limitsOf: () => Promise.resolve(limits),
      });
    const failed = await create();
    const claimed = await claim();
    await store.leases.fail(claimed!.lease, 'source_read_failed', 'Reading "tasks" failed.');
    const running = await create();
    await claim();
    const pending = await create();
    const ids = { failed, running, pending, unknown: 'exp_unknown' };
    for (const id of Object.values(ids)) {
      for (const n of [1, 2]) {
        const piece = await storage.beginWrite(pieceKey(id, 'tasks', 'csv', n));
        piece.writable.end('rows');
        await finished(piece.writable);
        await piece.publish({
          bytes: 4,
          sha256: 'bc51e9e65d79e1c90ba544ab2eae1044ccdf8c1af7a559ba375cba4276f7d99e',
        });
      }
    }
    expect((await store.exports.getById(running))?.status).toBe('running');
    expect((await store.exports.getById(failed))?.status).toBe('failed');

    await housekeep({ store, storage, settings: { notificationRetentionDays: 30 } });

    const left: string[] = [];
    for await (const key of storage.list('pieces/')) left.push(key);
    expect(left.sort()).toEqual(
      [running, pending].flatMap((id) => [1, 2].map((n) => pieceKey(id, 'tasks', 'csv', n))).sort(),
    );
  });
});
