import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/index.js';

/**
 * Webhook metrics, counted in the shared database at each scrape so that
 * they cover every process that sends: `portage_webhook_deliveries` by event
 * and outcome (`pending`, `succeeded`, `failed`: given up), and
 * `portage_webhook_attempts` by event and outcome (`succeeded`, `failed`,
 * `timeout`, `refused`, `interrupted`, `sending`); and `portage_export_mails`
 * by outcome (`pending`, `sent`, `failed`: given up, `skipped`).
 */
export function registerWebhookMetrics(registry: Registry, store: Store): void {
  new Gauge({
    name: 'portage_webhook_deliveries',
    help: 'Webhook deliveries (one per event and endpoint) by event and outcome, across every process.',
    labelNames: ['event', 'outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await store.webhookDeliveries.countDeliveries()) {
        this.set({ event: row.event, outcome: row.status }, row.n);
      }
    },
  });
  new Gauge({
    name: 'portage_webhook_attempts',
    help: 'Webhook delivery attempts by event and outcome, across every process.',
    labelNames: ['event', 'outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await store.webhookDeliveries.countAttempts()) {
        this.set({ event: row.event, outcome: row.status }, row.n);
      }
    },
  });
  new Gauge({
    name: 'portage_export_mails',
    help: 'Export notification mails by outcome, across every process.',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await store.mails.countByStatus()) {
        this.set({ outcome: row.status }, row.n);
      }
    },
  });
}
