import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { sendWebhook } from './send-webhook.js';

const headers = {
  'webhook-id': 'evt_1',
  'webhook-timestamp': '1764525845',
  'webhook-signature': 'v1,x',
};

describe('sending a webhook to a name that resolves to loopback', () => {
  let receiver: WebhookReceiver;
  let byName: string;
  beforeEach(async () => {
    receiver = await startReceiver();
    // The same receiver, reached through a DNS name (`localhost`, from the
    // system's resolver) instead of an IP literal.
    byName = receiver.url.replace('127.0.0.1', 'localhost');
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('is refused at send time without PORTAGE_WEBHOOK_ALLOW_PRIVATE, before any byte is sent', async () => {
    const result = await sendWebhook(byName, headers, '{}', { allowPrivate: false });
    expect(result).toMatchObject({ outcome: 'refused', responseStatus: null });
    expect(result.error).toMatch(/^Refused: localhost resolves to (127\.0\.0\.1|::1) /);
    expect(result.error).toContain('PORTAGE_WEBHOOK_ALLOW_PRIVATE=true');
    expect(receiver.received).toEqual([]);
  });

  it('is sent when PORTAGE_WEBHOOK_ALLOW_PRIVATE=true', async () => {
    const result = await sendWebhook(byName, headers, '{"a":1}', { allowPrivate: true });
    expect(result).toMatchObject({ outcome: 'succeeded', responseStatus: 204 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ body: '{"a":1}' });
    expect(receiver.received[0]!.headers['webhook-id']).toBe('evt_1');
  });
});
