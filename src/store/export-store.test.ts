import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Limits } from '../config/index.js';
import { openStore, type ExportRequest, type Store } from './index.js';
import {
  createStateDatabase,
  DIALECTS,
  type TestStateDatabase,
} from '../../test/support/state-stores.js';

const limits: Limits = { perDay: 10, perMonth: 50, maxRunning: 2 };
const request = (
  tenantId: string,
  idempotencyKey: string | null = null,
  requestHash = 'h1',
): ExportRequest => ({
  tenantId,
  purpose: 'migration',
  formats: ['json'],
  categories: ['tasks'],
  csv: { bom: false, formulaProtection: false },
  idempotencyKey,
  requestHash,
});

for (const dialect of DIALECTS)
  describe(`the export store on ${dialect}`, () => {
    let database: TestStateDatabase;
    let store: Store;
    let failed: boolean;
    beforeEach(async (context) => {
      failed = false;
      context.onTestFailed(() => {
        failed = true;
      });
      database = await createStateDatabase(dialect);
      store = await openStore(database.url);
      await store.tenants.upsert('acme', 'Acme');
      await store.tenants.upsert('globex', 'Globex');
    });
    afterEach(async () => {
      await store.close();
      // A failed test's database stays behind, to be inspected.
      if (failed) console.error(`kept the ${dialect} state of the failed test: ${database.url}`);
      else await database.drop();
    });

    it('grants exactly the daily quota to 30 concurrent creates', async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, () => store.exports.create(request('acme'), limits)),
      );
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(10);
      expect(results.filter((r) => r.kind === 'rate_limited')).toHaveLength(20);
      // Another tenant's quota is its own.
      expect((await store.exports.create(request('globex'), limits)).kind).toBe('created');
    });

    it('counts the 30-day window too, and frees a slot as the window rolls', async () => {
      const monthly = { ...limits, perDay: 100, perMonth: 3 };
      const day = 86_400_000;
      const start = Date.parse('2026-01-01T00:00:00.000Z');
      for (let i = 0; i < 3; i++) {
        expect(
          (await store.exports.create(request('acme'), monthly, new Date(start + i * day))).kind,
        ).toBe('created');
      }
      const refused = await store.exports.create(
        request('acme'),
        monthly,
        new Date(start + 10 * day),
      );
      expect(refused).toMatchObject({ kind: 'rate_limited', retryAfter: 20 * 86_400 });
      expect(
        (await store.exports.create(request('acme'), monthly, new Date(start + 30 * day + 1))).kind,
      ).toBe('created');
    });

    it('replays one export for concurrent requests with the same idempotency key', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.exports.create(request('acme', 'k1'), limits)),
      );
      const ids = new Set(results.map((r) => ('export' in r ? r.export.id : r.kind)));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
      expect((await store.exports.quotas('acme', limits))[0]!.remaining).toBe(9);
      expect((await store.exports.create(request('acme', 'k1', 'other body'), limits)).kind).toBe(
        'key_reused',
      );
    });

    it('lets a key be used again once 24 hours have passed', async () => {
      const first = await store.exports.create(
        request('acme', 'k2'),
        limits,
        new Date('2026-01-01T00:00:00Z'),
      );
      const later = await store.exports.create(
        request('acme', 'k2', 'new'),
        limits,
        new Date('2026-01-02T00:00:01Z'),
      );
      expect(later.kind).toBe('created');
      expect('export' in later && 'export' in first && later.export.id !== first.export.id).toBe(
        true,
      );
    });

    it('runs at most maxRunning exports of a tenant at once; the rest wait as pending', async () => {
      for (let i = 0; i < 3; i++) await store.exports.create(request('acme'), limits);
      const options = {
        owner: 'w',
        leaseMs: 60_000,
        maxAttempts: 3,
        limitsOf: () => Promise.resolve(limits),
      };
      expect(await store.leases.claim(options)).not.toBeNull();
      expect(await store.leases.claim(options)).not.toBeNull();
      expect(await store.leases.claim(options)).toBeNull();
    });

    it('fences a canceled export: its worker can no longer write', async () => {
      const created = await store.exports.create(request('acme'), limits);
      if (created.kind !== 'created') throw new Error('not created');
      const claim = await store.leases.claim({
        owner: 'w',
        leaseMs: 60_000,
        maxAttempts: 3,
        limitsOf: () => Promise.resolve(limits),
      });
      const canceled = await store.lifecycle.cancelOrExpire('acme', created.export.id);
      expect(canceled?.export).toMatchObject({ status: 'failed', error: { code: 'canceled' } });
      expect(await store.leases.renew(claim!.lease, 1000)).toBe(false);
      expect(
        await store.leases.complete(claim!.lease, {
          fileName: 'f',
          bytes: 1,
          sha256: 'x',
          storageKey: 'k',
          retentionMs: 1,
        }),
      ).toBe(false);
      // A canceled export keeps counting against the quota.
      expect((await store.exports.quotas('acme', limits))[0]!.remaining).toBe(9);
    });

    it('stores only a hash of each API key', async () => {
      const key = await store.tenants.createKey('acme');
      expect(await store.tenants.tenantForKey(key)).toBe('acme');
      expect(await store.tenants.tenantForKey(`${key}x`)).toBeNull();
    });
  });
