/** Attempts of one mail before it is given up, the first included. */
export const MAIL_MAX_ATTEMPTS = 32;
/** Wait before the first retry; doubled before each next one. */
export const MAIL_FIRST_RETRY_MS = 30_000;
/** Longest wait between two attempts. */
export const MAIL_MAX_RETRY_MS = 3_600_000;

/**
 * How long after failed attempt `attempt` (from 1) the mail is tried again:
 * 30 s, 1 min, 2 min … doubling up to 1 h, so that {@link MAIL_MAX_ATTEMPTS}
 * attempts span about 25 hours; null once they are spent.
 */
export function mailRetryDelayMs(attempt: number): number | null {
  if (attempt >= MAIL_MAX_ATTEMPTS) return null;
  return Math.min(MAIL_FIRST_RETRY_MS * 2 ** Math.min(attempt - 1, 20), MAIL_MAX_RETRY_MS);
}
