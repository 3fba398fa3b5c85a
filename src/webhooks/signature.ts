import { createHmac } from 'node:crypto';

/** The headers of one signed webhook request, as Standard Webhooks name them. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs a body as Standard Webhooks do: HMAC-SHA256, keyed with the base64
 * after the secret's `whsec_` prefix, over `<id>.<timestamp>.<body>`, sent as
 * `v1,<base64 signature>`. `timestamp` is the attempt's time in whole seconds
 * since the epoch; the id is the event's, the same at every attempt.
 */
export function signWebhook(
  secret: string,
  id: string,
  timestamp: Date,
  body: string,
): WebhookHeaders {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': seconds,
    'webhook-signature': `v1,${signature}`,
  };
}
