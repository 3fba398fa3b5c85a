import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Limits } from '../config/index.js';
import { FileStore } from '../storage/index.js';
import type { ExportRequest, Store } from '../store/index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';
import { housekeep } from './expiry.js';

const DAY_MS = 86_400_000;
const limits: Limits = { perDay: 50, perMonth: 50, maxRunning: 10 };
const request: ExportRequest = {
  tenantId: 'acme',
  purpose: 'migration',
  formats: ['json'],
  categories: ['tasks'],
  csv: { bom: false, formulaProtection: false },
  idempotencyKey: null,
  requestHash: 'h',
  notify: { email: 'ops@customer.example', baseUrl: 'https://portage.example' },
};
const ok = { outcome: 'succeeded', durationMs: 3, responseStatus: 204, error: null } as const;
const refused = { outcome: 'failed', durationMs: 3, responseStatus: 500, error: 'x' } as const;

for (const dialect of DIALECTS)
  describe(`housekeeping of notifications on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [['acme', 'Acme']]);
    let store: Store;
    let dir: string;
    beforeEach(async () => {
      store = handles.one;
      dir = await mkdtemp(join(tmpdir(), 'portage-retention-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const t0 = new Date();
    const at = (days: number) => new Date(t0.getTime() + days * DAY_MS);

    /** An export that asked for a mail, failed: an `export.failed` event and a pending mail. */
    const failedExport = async (): Promise<string> => {
      const created = await store.exports.create(request, limits);
      if (created.kind !== 'created') throw new Error(created.kind);
      const claimed = await store.leases.claim({
        owner: 'w',
        leaseMs: 60_000,
        maxAttempts: 3,
        limitsOf: () => Promise.resolve(limits),
      });
      await store.leases.fail(claimed!.lease, 'source_read_failed', 'Reading "tasks" failed.');
      return created.export.id;
    };

    /**
     * Four failed exports, each with a delivery and a mail, at `t0`: the
     * first delivery succeeded, the second was given up, the other two are
     * still pending; the first mail was sent, the second given up, two pend.
     */
    const notified = async () => {
      const { endpoint } = await store.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/a',
        events: ['export.failed'],
        description: null,
      });
      const exports = [];
      for (let i = 0; i < 4; i++) exports.push(await failedExport());
      for (const event of await store.webhookDeliveries.pendingEvents())
        await store.webhookDeliveries.fanOut(event, '{}', t0);
      const claim = { owner: 'p', leaseMs: 15_000, perEndpoint: 10, now: t0 };
      const first = await store.webhookDeliveries.claim(claim);
      const second = await store.webhookDeliveries.claim(claim);
      await store.webhookDeliveries.finish(first!, ok, null, t0);
      await store.webhookDeliveries.finish(second!, refused, null, t0);

      expect(await store.mails.enqueueEnded(t0)).toBe(4);
      const sent = await store.mails.claim('m', 60_000, t0);
      await store.mails.markSent(sent!, t0);
      const failed = await store.mails.claim('m', 60_000, t0);
      await store.mails.markGivenUp(failed!, 'failed', '550 mailbox unavailable');
      return { endpoint, exports, ended: [sent!.exportId, failed!.exportId] };
    };

    const deliveries = (endpointId: string) =>
      store.webhookDeliveries.list('acme', endpointId, 100, null);

    it.each([30, 7])(
      'forgets ended deliveries, their attempts and events, and ended mails with their address, after PORTAGE_NOTIFICATION_RETENTION_DAYS (%i) days',
      async (days) => {
        const { endpoint, exports, ended } = await notified();
        const storage = new FileStore(join(dir, 'archives'));
        const settings = { notificationRetentionDays: days };

        await housekeep({ store, storage, settings }, at(days - 1));
        expect(await deliveries(endpoint.id)).toHaveLength(4);
        for (const id of exports) expect(await store.mails.get(id)).not.toBeNull();

        await housekeep({ store, storage, settings }, at(days + 1));
        const left = await deliveries(endpoint.id);
        expect(left.map((d) => d.status)).toEqual(['pending', 'pending']);
        for (const id of exports) {
          const gone = ended.includes(id);
          expect(await store.mails.get(id), id).toEqual(
            gone ? null : expect.objectContaining({ status: 'pending' }),
          );
          expect((await store.exports.getById(id))?.notifyEmail).toBe(
            gone ? null : 'ops@customer.example',
          );
        }
        // A forgotten mail is never queued again.
        expect(await store.mails.enqueueEnded(at(days + 1))).toBe(0);
        // Nothing was left for a second pass.
        expect(await store.notificationRetention.purge(at(1))).toEqual({
          deliveries: 0,
          attempts: 0,
          events: 0,
          mails: 0,
        });
      },
    );

    it('deletes in batches until nothing ended before the cutoff is left', async () => {
      const { endpoint } = await notified();
      expect(await store.notificationRetention.purge(at(1), 1)).toEqual({
        deliveries: 2,
        attempts: 2,
        events: 2,
        mails: 2,
      });
      expect(await deliveries(endpoint.id)).toHaveLength(2);
    });
  });
