/**
 * Waits between a delivery's attempts, in seconds: the second attempt comes
 * 5 s after the first fails, then 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, and
 * then once a day four times — 12 attempts spanning 5 days, 3 hours and
 * 35 minutes after the first, after which the delivery fails for good.
 */
export const RETRY_DELAYS_SECONDS: readonly number[] = [
  5,
  5 * 60,
  30 * 60,
  2 * 3600,
  5 * 3600,
  10 * 3600,
  10 * 3600,
  24 * 3600,
  24 * 3600,
  24 * 3600,
  24 * 3600,
];

/** Attempts at most per delivery, the first included. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** An endpoint whose every attempt has failed for this long is disabled: 5 days. */
export const DISABLE_AFTER_MS = 5 * 86_400_000;

/**
 * When attempt `attempt + 1` may start, after attempt `attempt` (1 for the
 * first) failed at `failedAt`; null when that was the last one.
 */
export function nextAttemptAt(attempt: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_SECONDS[attempt - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay * 1000);
}
