import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from '../errors/index.js';

/** How an operation is retried; from `PORTAGE_RETRY_ATTEMPTS` and `PORTAGE_RETRY_BASE_MS`. */
export interface RetryPolicy {
  /** Tries in all, the first included; 1 means no retry. (Default: 5) */
  readonly attempts: number;
  /** Wait before the first retry, in ms; doubled before each next one. (Default: 500) */
  readonly baseMs: number;
}

/** What {@link withRetry} gave up with: the last error, and how many tries it took. */
export class RetriesExhausted extends Error {
  override readonly name = 'RetriesExhausted';

  constructor(
    /** What was being tried, such as `writing the archive`. */
    readonly what: string,
    /** Tries made, the first included. */
    readonly tries: number,
    /** The error of the last try. */
    readonly last: Error,
  ) {
    super(
      `${what} failed ${tries} ${tries === 1 ? 'time' : 'times'} in a row; last error: ${last.message}`,
      { cause: last },
    );
  }
}

/**
 * The wait before retry number `retry` (1 for the first): `baseMs × 2^(retry−1)`,
 * jittered down by up to half so that workers hit by one outage do not all
 * come back at the same instant. `random` is for tests. (Default: `Math.random`)
 */
export function backoffMs(retry: number, baseMs: number, random = Math.random): number {
  const full = baseMs * 2 ** Math.max(0, retry - 1);
  return Math.round(full / 2 + (full / 2) * random());
}

/** Options of {@link withRetry}. */
export interface WithRetryOptions extends RetryPolicy {
  /** What is being tried, for the message of {@link RetriesExhausted}. */
  readonly what: string;
  /** Whether a failure may pass if tried again; any other failure is thrown at once, as is. */
  readonly isTransient: (error: Error) => boolean;
  /** Aborts the waits between tries: the abort reason is thrown. */
  readonly signal?: AbortSignal;
  /** Called before each wait, with the failure and the coming wait. */
  readonly onRetry?: (error: Error, retry: number, waitMs: number) => void;
}

/**
 * Runs `work` until it succeeds, retrying transient failures with exponential
 * backoff (see {@link backoffMs}). Throws a non-transient failure unchanged, and
 * a {@link RetriesExhausted} once `attempts` tries failed transiently.
 */
export async function withRetry<T>(
  work: (attempt: number) => Promise<T>,
  options: WithRetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (caught) {
      const error = toError(caught);
      if (!options.isTransient(error)) throw error;
      if (attempt >= options.attempts) throw new RetriesExhausted(options.what, attempt, error);
      const waitMs = backoffMs(attempt, options.baseMs);
      options.onRetry?.(error, attempt, waitMs);
      await sleep(waitMs, undefined, { signal: options.signal });
    }
  }
}
