import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../storage/index.js';
import { expectedOf, writeAll } from '../storage/object-store-contract.js';
import { openStore, type ExportRequest, type Store } from '../store/index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';
import { housekeep, TEMPORARY_MAX_AGE_MS } from './expiry.js';
import { PIECES_PREFIX, pieceKey } from './split-plan.js';

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
});

// Split exports keep their state in PostgreSQL; the sweep reads it through the
// store, so it is checked on both state databases.
for (const dialect of DIALECTS)
  describe(`housekeeping of split exports' pieces on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [['acme', 'Acme']]);
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portage-pieces-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('deletes the pieces of exports that ended or are unknown, and keeps those of live ones', async () => {
      const store = handles.one;
      const storage = new FileStore(join(dir, 'archives'));
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
      const rows = Buffer.from('rows');
      for (const id of [failed, running, pending, 'exp_unknown']) {
        for (const n of [1, 2]) {
          const piece = await storage.beginWrite(pieceKey(id, 'tasks', 'csv', n));
          await writeAll(piece, rows);
          await piece.publish(expectedOf(rows));
        }
      }
      expect((await store.exports.getById(running))?.status).toBe('running');
      expect((await store.exports.getById(failed))?.status).toBe('failed');

      await housekeep({ store, storage, settings: { notificationRetentionDays: 30 } });

      const left: string[] = [];
      for await (const key of storage.list(PIECES_PREFIX)) left.push(key);
      expect(left.sort()).toEqual(
        [running, pending]
          .flatMap((id) => [1, 2].map((n) => pieceKey(id, 'tasks', 'csv', n)))
          .sort(),
      );
    });
  });
