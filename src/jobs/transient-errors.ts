import { PieceLostError } from './piece-watch.js';
import { StorageError, StorageRequestError } from '../storage/index.js';
import { RetriesExhausted } from './retry.js';

/** System error codes of a connection that failed, reset or timed out: the far end may come back. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** AWS SDK error names that say "try again later" whatever the HTTP status. */
const RETRYABLE_S3_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'ThrottlingException',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is unreachable, restarting or full:
 * class 08 (connection exception), `57P01`–`57P03` (shutdown, cannot connect
 * now), `53300` (too many connections).
 */
const PG_TRANSIENT_STATES = /^(08...|57P0[123]|53300)$/;

/** What node-postgres says when the server vanishes mid-conversation; it sets no code. */
const PG_LOST_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

/**
 * Whether `error` (or what caused it) is a failure that may pass on its own:
 * a network connection refused, reset or timed out; an S3 answer 5xx, 429,
 * `SlowDown` or `RequestTimeout`; a PostgreSQL server unreachable or
 * restarting. A refusal (4xx such as `AccessDenied`), a stored object that
 * does not match what was written, or a bad setting is not: retrying cannot fix it.
 */
export function isTransient(error: Error): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!(current instanceof Error) || seen.has(current)) continue;
    seen.add(current);
    // A store's own verdict (integrity, key, configuration) is final; a request's depends on why.
    if (current instanceof StorageError && !(current instanceof StorageRequestError)) return false;
    // Retried already, and given up on: retrying around it again would multiply the waits.
    if (current instanceof RetriesExhausted) return false;
    if (isTransientItself(current)) return true;
    // A piece of a split export lost: the whole archive is written again, from a new snapshot.
    if (current instanceof PieceLostError) return true;
    if (current instanceof AggregateError) queue.push(...(current.errors as unknown[]));
    queue.push(current.cause);
  }
  return false;
}

/** Whether the error of one storage call or query, its causes aside, is transient. */
function isTransientItself(error: Error): boolean {
  const fields = error as Error & {
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: unknown;
  };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  if (code !== undefined && (NETWORK_CODES.has(code) || PG_TRANSIENT_STATES.test(code))) {
    return true;
  }
  const status = fields.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500 || status === 429 || isRetryableName(error);
  if (fields.$retryable !== undefined && fields.$retryable !== null) return true;
  return isRetryableName(error) || PG_LOST_MESSAGES.test(error.message);
}

function isRetryableName(error: Error): boolean {
  return RETRYABLE_S3_NAMES.has(error.name);
}

/** The object store's error in `error`'s causes, or null when the failure did not come from storage. */
export function storageFailureOf(error: Error): StorageError | null {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    if (current instanceof StorageError) return current;
    current = current.cause;
  }
  return null;
}
