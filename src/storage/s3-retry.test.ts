import { describe, expect, it } from 'vitest';
import { DEFAULT_STORAGE_RETRY, retryWaits, storageRetryStrategy } from './s3-retry.js';

describe('retries of each S3 request of a write', () => {
  it('outlasts an outage of 90 s by default, each request retried alone', () => {
    const waits = retryWaits(DEFAULT_STORAGE_RETRY);
    expect(waits).toEqual([
      1000, 2000, 4000, 8000, 16000, 20000, 20000, 20000, 20000, 20000, 20000,
    ]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(90_000);
  });

  it('waits at least the stated time, at most a quarter more, then gives up', async () => {
    const retry = { attempts: 4, baseMs: 100, maxMs: 300 };
    for (const random of [0, 0.999]) {
      const strategy = storageRetryStrategy(retry, () => random);
      let token = await strategy.acquireInitialRetryToken('');
      const delays = [];
      for (let i = 0; i < 3; i++) {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' });
        delays.push(token.getRetryDelay());
      }
      expect(token.getRetryCount()).toBe(3);
      expect(delays).toEqual(random === 0 ? [100, 200, 300] : [125, 250, 375]);
      await expect(
        strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' }),
      ).rejects.toThrow();
    }
  });

  it('retries throttling and 5xx, never a refusal such as a 403 or a missing bucket', async () => {
    const strategy = storageRetryStrategy({ attempts: 3, baseMs: 1, maxMs: 1 });
    const first = await strategy.acquireInitialRetryToken('');
    for (const errorType of ['THROTTLING', 'SERVER_ERROR', 'TRANSIENT'] as const) {
      await expect(strategy.refreshRetryTokenForRetry(first, { errorType })).resolves.toBeDefined();
    }
    await expect(
      strategy.refreshRetryTokenForRetry(first, { errorType: 'CLIENT_ERROR' }),
    ).rejects.toThrow();
  });
});
