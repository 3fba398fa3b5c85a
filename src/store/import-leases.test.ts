import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';

const outcome = {
  status: 'completed' as const,
  counts: { tasks: 3 },
  conflicts: [],
  error: null,
};

for (const dialect of DIALECTS)
  describe(`import leases on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [
      ['acme', 'Acme'],
      ['globex', 'Globex'],
    ]);
    let one: Store;
    let two: Store;
    beforeEach(() => ({ one, two } = handles));

    const pending = async (store: Store, tenantId = 'acme') => {
      const id = store.imports.newId();
      await store.imports.create({
        id,
        tenantId,
        mode: 'preserve',
        dryRun: false,
        uploadKey: `imports/${id}.zip`,
        uploadBytes: 10,
      });
      return id;
    };

    it('lets exactly one of many processes claiming at once run an import', async () => {
      const id = await pending(one);
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? two : one).imports.claim(id, `p${i}`, 60_000),
        ),
      );
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ status: 'running', attempts: 1 });
      expect(await one.imports.claimable()).toEqual([]);
    });

    it('fences a process that lost its lease: no renewal, no outcome', async () => {
      const id = await pending(one);
      const start = new Date('2026-01-01T00:00:00Z');
      expect(await one.imports.claim(id, 'first', 1_000, start)).not.toBeNull();
      const later = new Date(start.getTime() + 5_000);
      expect((await two.imports.claimable(later)).map((r) => r.id)).toEqual([id]);
      expect(await two.imports.claim(id, 'second', 60_000, later)).toMatchObject({ attempts: 2 });
      expect(await one.imports.renew(id, 'first', 1_000, later)).toBe(false);
      expect(await one.imports.finish(id, 'first', outcome)).toBe(false);
      expect(await two.imports.renew(id, 'second', 60_000)).toBe(true);
      expect(await two.imports.finish(id, 'second', outcome)).toBe(true);
      expect(await one.imports.getById(id)).toMatchObject({
        status: 'completed',
        counts: { tasks: 3 },
      });
      // Finished: nobody may claim or finish it again.
      expect(await one.imports.claim(id, 'third', 60_000)).toBeNull();
      expect(await one.imports.finish(id, null, outcome)).toBe(false);
    });

    it('gives an import up without an owner only once its lease has lapsed', async () => {
      const id = await pending(one);
      expect(await one.imports.claim(id, 'first', 60_000)).not.toBeNull();
      const failure = { ...outcome, status: 'failed' as const, counts: {} };
      expect(await two.imports.finish(id, null, failure)).toBe(false);
      const lapsed = new Date(Date.now() + 120_000);
      expect(await two.imports.finish(id, null, failure, lapsed)).toBe(true);
      expect(await one.imports.getById(id)).toMatchObject({ status: 'failed' });
    });

    it("claims a tenant's import only while it runs fewer than its cap, in any process", async () => {
      const start = new Date('2026-01-01T00:00:00Z');
      const [first, second, third] = [await pending(one), await pending(one), await pending(one)];
      const other = await pending(one, 'globex');
      expect(await one.imports.claimWithin(first, 'p1', 1_000, 2, start)).toMatchObject({
        kind: 'claimed',
        record: { id: first, status: 'running', attempts: 1 },
      });
      expect(await two.imports.claimWithin(second, 'p2', 1_000, 2, start)).toMatchObject({
        kind: 'claimed',
      });
      expect(await two.imports.claimWithin(third, 'p2', 1_000, 2, start)).toEqual({ kind: 'busy' });
      expect(await one.imports.getById(third)).toMatchObject({ status: 'pending', attempts: 0 });
      // Another tenant's cap is its own.
      expect(await one.imports.claimWithin(other, 'p1', 1_000, 1, start)).toMatchObject({
        kind: 'claimed',
      });
      // A finished import, or one whose process stopped renewing its lease, frees its place.
      expect(await one.imports.finish(first, 'p1', outcome)).toBe(true);
      expect(await one.imports.claimWithin(first, 'p1', 1_000, 2, start)).toEqual({ kind: 'gone' });
      const lapsed = new Date(start.getTime() + 5_000);
      expect(await two.imports.claimWithin(third, 'p2', 1_000, 1, lapsed)).toMatchObject({
        kind: 'claimed',
      });
    });

    it('never lets processes claiming at once exceed the cap', async () => {
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await pending(one));
      const claims = await Promise.all(
        ids.map((id, i) => (i % 2 ? two : one).imports.claimWithin(id, `p${i}`, 60_000, 2)),
      );
      expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(2);
      expect(claims.filter((c) => c.kind === 'busy')).toHaveLength(4);
    });
  });
