import { beforeEach, describe, expect, it } from 'vitest';
import type { Limits } from '../config/index.js';
import type { ClaimOptions, ExportRequest, Store } from './index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';

const limits: Limits = { perDay: 10, perMonth: 50, maxRunning: 2 };
const request = (tenantId: string, idempotencyKey: string | null = null): ExportRequest => ({
  tenantId,
  purpose: 'migration',
  formats: ['json'],
  categories: ['tasks'],
  csv: { bom: false, formulaProtection: false },
  idempotencyKey,
  requestHash: 'h1',
});
const claimOptions = (owner: string, leaseMs = 60_000): ClaimOptions => ({
  owner,
  leaseMs,
  maxAttempts: 2,
  limitsOf: () => Promise.resolve(limits),
});

for (const dialect of DIALECTS)
  describe(`leases and shared counting on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [['acme', 'Acme']]);
    let one: Store;
    let two: Store;
    beforeEach(() => ({ one, two } = handles));

    const createPending = async (count: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const created = await one.exports.create(request('acme'), limits);
        if (created.kind !== 'created') throw new Error(`create answered ${created.kind}`);
        ids.push(created.export.id);
      }
      return ids;
    };

    it('grants exactly the daily quota to creates racing through two handles', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? one : two).exports.create(request('acme'), limits),
        ),
      );
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(limits.perDay);
      expect((await one.exports.quotas('acme', limits))[0]!.remaining).toBe(0);
    });

    it('creates one export for one idempotency key racing through two handles', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? one : two).exports.create(request('acme', 'same-key'), limits),
        ),
      );
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'replayed')).toHaveLength(19);
      expect(new Set(results.map((r) => ('export' in r ? r.export.id : r.kind))).size).toBe(1);
    });

    it('claims by id at most maxRunning exports of a tenant across two handles', async () => {
      const ids = await createPending(6);
      const results = await Promise.all(
        ids.map((id, i) => (i % 2 === 0 ? one : two).leases.claimById(id, claimOptions(`w${i}`))),
      );
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(limits.maxRunning);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(6 - limits.maxRunning);
    });

    it('lets exactly one of two workers claim the same export', async () => {
      const [id] = await createPending(1);
      const results = await Promise.all([
        one.leases.claimById(id!, claimOptions('a')),
        two.leases.claimById(id!, claimOptions('b')),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['claimed', 'held']);
    });

    it('tells a finished or missing export from one still held', async () => {
      const [id] = await createPending(1);
      const claimed = await one.leases.claimById(id!, claimOptions('a'));
      if (claimed.kind !== 'claimed') throw new Error(claimed.kind);
      expect((await two.leases.claimById(id!, claimOptions('b'))).kind).toBe('held');
      await one.leases.fail(claimed.lease, 'internal_error', 'boom');
      expect((await two.leases.claimById(id!, claimOptions('b'))).kind).toBe('gone');
      expect((await two.leases.claimById('exp_missing', claimOptions('b'))).kind).toBe('gone');
    });

    it('takes over a lapsed lease, and fails the export once its attempts are spent', async () => {
      const [id] = await createPending(1);
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const first = await one.leases.claimById(id!, claimOptions('a', 1000), at(0));
      expect(first.kind).toBe('claimed');
      const second = await two.leases.claimById(id!, claimOptions('b', 1000), at(2000));
      expect(second.kind).toBe('claimed');
      if (first.kind !== 'claimed') return;
      // The first worker's lease is fenced off.
      expect(await one.leases.renew(first.lease, 1000)).toBe(false);
      expect((await two.leases.claimById(id!, claimOptions('c', 1000), at(4000))).kind).toBe(
        'exhausted',
      );
      expect(await one.exports.getById(id!)).toMatchObject({
        status: 'failed',
        error: { code: 'attempts_exhausted' },
      });
    });

    it('gives a released export back as pending without counting the attempt', async () => {
      const [id] = await createPending(1);
      const claimed = await one.leases.claimById(id!, claimOptions('a'));
      if (claimed.kind !== 'claimed') throw new Error(claimed.kind);
      expect(await one.leases.release(claimed.lease)).toBe(true);
      expect(await one.exports.getById(id!)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await one.leases.renew(claimed.lease, 1000)).toBe(false);
    });

    it('shows the reaper stale pending exports and lapsed leases, failing the spent ones', async () => {
      const [pending, lapsed, spent, live] = await createPending(4);
      const t0 = new Date();
      const at = (ms: number) => new Date(t0.getTime() + ms);
      await one.tenants.setLimits('acme', { maxRunning: 10 });
      const options = (owner: string, leaseMs: number): ClaimOptions => ({
        ...claimOptions(owner, leaseMs),
        limitsOf: () => Promise.resolve({ ...limits, maxRunning: 10 }),
      });
      await one.leases.claimById(lapsed!, options('a', 1000), at(0));
      await one.leases.claimById(spent!, options('a', 1000), at(0));
      await one.leases.claimById(spent!, options('b', 1000), at(1500));
      await one.leases.claimById(live!, options('c', 60_000), at(0));
      const stalled = await two.leases.stalled(
        { maxAttempts: 2, pendingBefore: at(10_000) },
        at(5000),
      );
      expect(stalled).toEqual({ pending: [pending], lapsed: [lapsed], failed: [spent] });
      expect((await one.exports.getById(spent!))?.error?.code).toBe('attempts_exhausted');
    });
  });
