export { DestinationRefused, forbiddenReason, guardedLookup } from './destination-guard.js';
export {
  DISABLE_AFTER_MS,
  MAX_DELIVERY_ATTEMPTS,
  nextAttemptAt,
  RETRY_DELAYS_SECONDS,
} from './retry-schedule.js';
export { sendWebhook, type SendOptions } from './send-webhook.js';
export { signWebhook, type WebhookHeaders } from './signature.js';
export {
  WebhookSender,
  type WebhookSenderContext,
  type WebhookSenderOptions,
} from './webhook-sender.js';
