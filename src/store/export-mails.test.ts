import { beforeEach, describe, expect, it } from 'vitest';
import type { Limits } from '../config/index.js';
import type { ExportRequest, Store } from './index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';

const limits: Limits = { perDay: 50, perMonth: 50, maxRunning: 10 };
const request = (notify: boolean): ExportRequest => ({
  tenantId: 'acme',
  purpose: 'migration',
  formats: ['json'],
  categories: ['tasks'],
  csv: { bom: false, formulaProtection: false },
  idempotencyKey: null,
  requestHash: 'h',
  notify: notify ? { email: 'ops@customer.example', baseUrl: 'https://portage.example' } : null,
});

for (const dialect of DIALECTS)
  describe(`the mail outbox on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [['acme', 'Acme']]);
    let one: Store;
    let two: Store;
    beforeEach(() => ({ one, two } = handles));
    const t0 = new Date('2026-11-30T12:00:00.000Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);

    /** Creates an export and ends it: failed with `code`. */
    const ended = async (notify: boolean, code = 'source_read_failed'): Promise<string> => {
      const created = await one.exports.create(request(notify), limits);
      if (created.kind !== 'created') throw new Error(created.kind);
      const claimed = await one.leases.claim({
        owner: 'w',
        leaseMs: 60_000,
        maxAttempts: 3,
        limitsOf: () => Promise.resolve(limits),
      });
      await one.leases.fail(claimed!.lease, code, 'Reading category "tasks" failed.');
      return created.export.id;
    };

    it('queues one mail per ended export that asked for one, and skips a cancel', async () => {
      const mailed = await ended(true);
      const silent = await ended(false);
      const canceled = await ended(true, 'canceled');
      expect(await one.mails.enqueueEnded(t0)).toBe(2);
      expect(await one.mails.enqueueEnded(t0)).toBe(0);
      expect(await one.mails.get(mailed)).toMatchObject({ status: 'pending', kind: 'failed' });
      expect(await one.mails.get(silent)).toBeNull();
      expect(await one.mails.get(canceled)).toMatchObject({ status: 'skipped' });
    });

    it('lets one of two racing workers claim a mail, and another once the claim lapsed', async () => {
      const id = await ended(true);
      await one.mails.enqueueEnded(t0);
      const claims = await Promise.all([
        one.mails.claim('a', 60_000, t0),
        two.mails.claim('b', 60_000, t0),
      ]);
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ exportId: id, attempt: 1, address: 'ops@customer.example' });
      expect(await two.mails.claim('c', 60_000, later(30_000))).toBeNull();
      const taken = await two.mails.claim('c', 60_000, later(61_000));
      expect(taken).toMatchObject({ exportId: id, attempt: 2 });
      // The first worker's late outcome is not recorded over the second's claim.
      expect(await one.mails.markSent(won[0]!, later(62_000))).toBe(false);
      expect(await two.mails.markSent(taken!, later(62_000))).toBe(true);
      expect(await one.mails.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('holds a failed attempt back until its retry time', async () => {
      const id = await ended(true);
      await one.mails.enqueueEnded(t0);
      const first = await one.mails.claim('a', 60_000, t0);
      expect(await one.mails.markRetry(first!, 'connect ECONNREFUSED', later(30_000))).toBe(true);
      expect(await one.mails.claim('a', 60_000, later(29_000))).toBeNull();
      const second = await one.mails.claim('a', 60_000, later(30_000));
      expect(second).toMatchObject({ exportId: id, attempt: 2 });
      await one.mails.markGivenUp(second!, 'failed', '550 mailbox unavailable');
      expect(await one.mails.claim('a', 60_000, later(10 * 86_400_000))).toBeNull();
      expect(await one.mails.get(id)).toMatchObject({
        status: 'failed',
        lastError: '550 mailbox unavailable',
      });
    });
  });
