import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './index.js';
import { DIALECTS, useStoreHandles } from './state-test-support.js';

const outcome = {
  status: 'completed' as const,
  counts: { tasks: 3 },
  conflicts: [],
  error: null,
};

for (const dialect of DIALECTS)
  describe(`import leases on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [['acme', 'Acme']]);
    let one: Store;
    let two: Store;
    beforeEach(() => ({ one, two } = handles));

    const pending = async (store: Store) => {
      const id = store.imports.newId();
      await store.imports.create({
        id,
        tenantId: 'acme',
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
  });
