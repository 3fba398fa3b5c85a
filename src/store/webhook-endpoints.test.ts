import { describe, expect, it } from 'vitest';
import { DISABLED_BY_TENANT } from './index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';

const FIVE_DAYS_MS = 5 * 86_400_000;

for (const dialect of DIALECTS)
  describe(`webhook endpoints on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [
      ['acme', 'Acme'],
      ['globex', 'Globex'],
    ]);

    it('enabling a disabled endpoint clears its run of failures; another tenant changes nothing', async () => {
      const { one } = handles;
      const { endpoint } = await one.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/a',
        events: ['export.failed'],
        description: 'billing',
      });
      const start = new Date('2026-11-01T00:00:00.000Z');
      const at = (ms: number) => new Date(start.getTime() + ms);
      await one.webhookEndpoints.noteOutcome(endpoint.id, false, start, FIVE_DAYS_MS, start);
      expect(
        await one.webhookEndpoints.noteOutcome(
          endpoint.id,
          false,
          at(FIVE_DAYS_MS),
          FIVE_DAYS_MS,
          at(FIVE_DAYS_MS),
        ),
      ).toBe(true);
      expect(await one.webhookEndpoints.get('acme', endpoint.id)).toMatchObject({
        status: 'disabled',
        failingSince: start.toISOString(),
      });

      expect(
        await one.webhookEndpoints.update('globex', endpoint.id, { status: 'enabled' }),
      ).toBeNull();
      expect(await one.webhookEndpoints.get('acme', endpoint.id)).toMatchObject({
        status: 'disabled',
      });

      const enabled = await one.webhookEndpoints.update('acme', endpoint.id, {
        status: 'enabled',
      });
      expect(enabled).toMatchObject({
        status: 'enabled',
        failingSince: null,
        disabledAt: null,
        disabledReason: null,
        url: 'https://hooks.example.com/a',
        description: 'billing',
      });
      // A failure right after starts a new run: not disabled for another 5 days.
      const later = at(FIVE_DAYS_MS + 60_000);
      expect(
        await one.webhookEndpoints.noteOutcome(endpoint.id, false, later, FIVE_DAYS_MS, later),
      ).toBe(false);
      expect(await one.webhookEndpoints.get('acme', endpoint.id)).toMatchObject({
        status: 'enabled',
        failingSince: later.toISOString(),
      });
    });

    it('changes only the fields given, and a tenant may disable its endpoint', async () => {
      const { one } = handles;
      const { endpoint } = await one.webhookEndpoints.create({
        tenantId: 'acme',
        url: 'https://hooks.example.com/a',
        events: ['export.failed'],
        description: 'billing',
      });
      const now = new Date('2026-11-02T10:00:00.000Z');
      await one.webhookEndpoints.update(
        'acme',
        endpoint.id,
        { url: 'https://hooks.example.com/b', events: ['export.completed', 'import.failed'] },
        now,
      );
      await one.webhookEndpoints.update('acme', endpoint.id, { description: null }, now);
      const disabled = await one.webhookEndpoints.update(
        'acme',
        endpoint.id,
        { status: 'disabled' },
        now,
      );
      const expected = {
        url: 'https://hooks.example.com/b',
        events: ['export.completed', 'import.failed'],
        description: null,
        status: 'disabled',
        disabledAt: now.toISOString(),
        disabledReason: DISABLED_BY_TENANT,
      };
      expect(disabled).toMatchObject(expected);
      expect(await one.webhookEndpoints.get('acme', endpoint.id)).toMatchObject(expected);
    });
  });
