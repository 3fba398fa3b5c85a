import { describe, expect, it } from 'vitest';
import type { ExportRequest, Store } from './index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';

const limits = { perDay: 10, perMonth: 50, maxRunning: 2 };
const request: ExportRequest = {
  tenantId: 'acme',
  purpose: 'migration',
  formats: ['json'],
  categories: ['tasks'],
  csv: { bom: false, formulaProtection: false },
  idempotencyKey: null,
  requestHash: 'h1',
};

/** An export of acme's canceled by its client: the `export.failed` event. */
async function failedExport(store: Store): Promise<string> {
  const created = await store.exports.create(request, limits);
  if (created.kind !== 'created') throw new Error(created.kind);
  await store.lifecycle.cancelOrExpire('acme', created.export.id);
  return created.export.id;
}

for (const dialect of DIALECTS)
  describe(`webhook deliveries on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [
      ['acme', 'Acme'],
      ['globex', 'Globex'],
    ]);

    it('records an event in the statement that ends an export, and fans it out once per endpoint', async () => {
      const { one, two } = handles;
      const { endpoint } = await one.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/a',
        events: ['export.failed'],
        description: null,
      });
      await one.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/only-completed',
        events: ['export.completed'],
        description: null,
      });
      await one.webhookEndpoints.create({
        tenantId: 'globex',
        url: 'https://hooks.example.com/globex',
        events: ['export.failed'],
        description: null,
      });
      const exportId = await failedExport(one);
      const [event, ...others] = await one.webhookDeliveries.pendingEvents();
      expect(others).toEqual([]);
      expect(event).toMatchObject({ tenantId: 'acme', type: 'export.failed', objectId: exportId });
      // Two processes fan it out at once: one of them does.
      const fanned = await Promise.all([
        one.webhookDeliveries.fanOut(event!, '{"a":1}'),
        two.webhookDeliveries.fanOut(event!, '{"a":1}'),
      ]);
      expect(fanned.sort()).toEqual([1, null]);
      expect(await one.webhookDeliveries.pendingEvents()).toEqual([]);
      const deliveries = await one.webhookDeliveries.list('acme', endpoint.id, 10, null);
      expect(deliveries.map((d) => d.eventType)).toEqual(['export.failed']);
      // Another tenant never sees them, even with the endpoint id.
      expect(await one.webhookDeliveries.list('globex', endpoint.id, 10, null)).toEqual([]);
    });

    it('leases a delivery to one process; a lapsed lease is taken over and its attempt marked interrupted', async () => {
      const { one, two } = handles;
      const { endpoint } = await one.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/a',
        events: ['export.failed'],
        description: null,
      });
      await failedExport(one);
      const [event] = await one.webhookDeliveries.pendingEvents();
      await one.webhookDeliveries.fanOut(event!, '{"a":1}');
      const now = new Date();
      const options = { leaseMs: 15_000, perEndpoint: 2, now };
      const claims = await Promise.all([
        one.webhookDeliveries.claim({ ...options, owner: 'p1' }),
        two.webhookDeliveries.claim({ ...options, owner: 'p2' }),
      ]);
      const first = claims.find((c) => c !== null)!;
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
      expect(first).toMatchObject({ attempt: 1, payload: '{"a":1}', url: endpoint.url });
      // The first process dies; after its lease, another sends again, same event.
      const later = new Date(now.getTime() + 15_001);
      const again = await two.webhookDeliveries.claim({ ...options, owner: 'p3', now: later });
      expect(again).toMatchObject({ attempt: 2, eventId: first.eventId });
      const [during] = await one.webhookDeliveries.list('acme', endpoint.id, 10, null);
      expect(during?.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'sending']);
      // A process that lost its lease records what it saw, but moves the delivery no more.
      expect(
        await one.webhookDeliveries.finish(
          first,
          {
            outcome: 'failed',
            durationMs: 1,
            responseStatus: 500,
            error: null,
          },
          null,
        ),
      ).toBe(false);
      expect(
        await two.webhookDeliveries.finish(
          again!,
          {
            outcome: 'succeeded',
            durationMs: 3,
            responseStatus: 204,
            error: null,
          },
          null,
        ),
      ).toBe(true);
      const [delivery] = await one.webhookDeliveries.list('acme', endpoint.id, 10, null);
      expect(delivery?.status).toBe('succeeded');
      expect(delivery?.attempts.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
      expect(delivery?.attempts[1]).toMatchObject({ responseStatus: 204, durationMs: 3 });
    });

    it('keeps at most `perEndpoint` deliveries of one endpoint in flight, across processes', async () => {
      const { one, two } = handles;
      await one.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/a',
        events: ['export.failed'],
        description: null,
      });
      for (let i = 0; i < 4; i++) await failedExport(one);
      for (const event of await one.webhookDeliveries.pendingEvents())
        await one.webhookDeliveries.fanOut(event, '{}');
      const options = { leaseMs: 15_000, perEndpoint: 2, now: new Date() };
      const claims = await Promise.all(
        [one, two, one, two].map((s, i) =>
          s.webhookDeliveries.claim({ ...options, owner: `p${i}` }),
        ),
      );
      expect(claims.filter((c) => c !== null)).toHaveLength(2);
    });
  });
