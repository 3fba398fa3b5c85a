import type { S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * How each S3 request of an archive write (every uploaded part, the checks
 * and the copy of publish) is tried again after a network failure, a 5xx or
 * throttling: the request alone is resent, so an outage in the middle of an
 * upload costs the parts in flight, never the archive built so far. A 4xx
 * other than throttling is not retried.
 */
export interface StorageRetry {
  /** Tries of each request, the first included. (`PORTAGE_STORAGE_RETRY_ATTEMPTS`, default 12) */
  readonly attempts: number;
  /**
   * Wait before the first retry, in ms; doubled for each further one.
   * (`PORTAGE_STORAGE_RETRY_BASE_MS`, default 1000)
   */
  readonly baseMs: number;
  /** Longest wait between two tries, in ms. (`PORTAGE_STORAGE_RETRY_MAX_MS`, default 20000) */
  readonly maxMs: number;
}

/**
 * The defaults: waits of 1, 2, 4, 8 and 16 s, then 20 s six times, so a
 * request outlasts an outage of at least 151 s (each wait is lengthened by up
 * to a quarter at random, never shortened).
 */
export const DEFAULT_STORAGE_RETRY: StorageRetry = { attempts: 12, baseMs: 1000, maxMs: 20_000 };

/** The shortest waits before each retry of one request, in ms. */
export function retryWaits(retry: StorageRetry): number[] {
  return Array.from({ length: Math.max(0, retry.attempts - 1) }, (_, i) =>
    Math.min(retry.maxMs, retry.baseMs * 2 ** i),
  );
}

type RetryStrategy = Extract<
  NonNullable<S3ClientConfig['retryStrategy']>,
  { refreshRetryTokenForRetry: unknown }
>;
type RetryErrorInfo = Parameters<RetryStrategy['refreshRetryTokenForRetry']>[1];

interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
}

function token(count: number, delay: number): Token {
  return { getRetryCount: () => count, getRetryDelay: () => delay, getRetryCost: () => 0 };
}

/**
 * The AWS SDK retry strategy for {@link StorageRetry}. Unlike the SDK's
 * standard one it keeps no retry quota shared between requests, which would
 * stop every retry partway through a long outage.
 */
export function storageRetryStrategy(
  retry: StorageRetry,
  random: () => number = Math.random,
): RetryStrategy {
  const waits = retryWaits(retry);
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0, 0)),
    refreshRetryTokenForRetry: (previous, info: RetryErrorInfo) => {
      const count = previous.getRetryCount();
      const wait = waits[count];
      if (info.errorType === 'CLIENT_ERROR' || wait === undefined) {
        return Promise.reject(new Error('no retry left'));
      }
      return Promise.resolve(token(count + 1, Math.round(wait * (1 + random() / 4))));
    },
    recordSuccess: () => undefined,
  };
}
