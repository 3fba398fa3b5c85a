import { renderEventPayload } from '../api/event-payload.js';
import { WebhookSender, type WebhookSenderOptions } from '../webhooks/index.js';
import type { Runtime } from './runtime.js';

/**
 * A {@link WebhookSender} for this runtime, rendering each event's `data` as
 * the API shows the export or import. Call `start()` on it in every process
 * that runs workers.
 */
export async function openWebhookSender(
  runtime: Runtime,
  options: WebhookSenderOptions = {},
): Promise<WebhookSender> {
  const downloadSecret = await runtime.store.tenants.secret('download-url');
  const payloads = { ...runtime, downloadSecret };
  return new WebhookSender(
    {
      settings: runtime.settings,
      store: runtime.store,
      render: (event, now) => renderEventPayload(payloads, event, now),
    },
    options,
  );
}
