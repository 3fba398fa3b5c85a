import { describe, expect, it } from 'vitest';
import { StorageRequestError, IntegrityError } from '../storage/index.js';
import { backoffMs, RetriesExhausted, withRetry } from './retry.js';
import { isTransient } from './transient-errors.js';

const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const wrapped = (cause: Error) => new StorageRequestError('PutObject', 'bucket', 'key', cause);

describe('backoff', () => {
  it('doubles from the base, jittered down by at most half', () => {
    expect([1, 2, 3, 4].map((retry) => backoffMs(retry, 500, () => 1))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((retry) => backoffMs(retry, 500, () => 0))).toEqual([
      250, 500, 1000, 2000,
    ]);
  });
});

describe('which failures are transient', () => {
  it.each([
    ['a refused connection', wrapped(networkError('ECONNREFUSED'))],
    ['a reset connection', wrapped(networkError('ECONNRESET'))],
    ['a timeout', wrapped(networkError('ETIMEDOUT'))],
    ['S3 503 SlowDown', wrapped(s3Error('SlowDown', 503))],
    ['S3 500 InternalError', wrapped(s3Error('InternalError', 500))],
    ['S3 400 RequestTimeout', wrapped(s3Error('RequestTimeout', 400))],
    ['PostgreSQL gone mid-query', new Error('Connection terminated unexpectedly')],
    ['PostgreSQL restarting (57P03)', Object.assign(new Error('starting up'), { code: '57P03' })],
    [
      'a zip entry wrapping a reset',
      new Error('writing data/tasks.jsonl', { cause: wrapped(networkError('ECONNRESET')) }),
    ],
  ])('%s is retried', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['S3 403 AccessDenied', wrapped(s3Error('AccessDenied', 403))],
    ['S3 404 NoSuchBucket', wrapped(s3Error('NoSuchBucket', 404))],
    [
      'an integrity mismatch',
      new IntegrityError('k', { bytes: 1, sha256: 'a' }, { bytes: 2, sha256: 'b' }),
    ],
    ['a SQL error', Object.assign(new Error('relation does not exist'), { code: '42P01' })],
    ['retries already spent', new RetriesExhausted('x', 3, networkError('ECONNRESET'))],
    ['a plain bug', new TypeError('undefined is not a function')],
  ])('%s is not', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe('withRetry', () => {
  const options = { attempts: 3, baseMs: 1, what: 'writing', isTransient };

  it('retries transient failures until one try succeeds', async () => {
    let tries = 0;
    const result = await withRetry((attempt) => {
      tries = attempt;
      return attempt < 3 ? Promise.reject(networkError('ECONNRESET')) : Promise.resolve('done');
    }, options);
    expect(result).toBe('done');
    expect(tries).toBe(3);
  });

  it('throws a non-transient failure at once, unchanged', async () => {
    const refusal = wrapped(s3Error('AccessDenied', 403));
    let tries = 0;
    await expect(
      withRetry(() => {
        tries++;
        return Promise.reject(refusal);
      }, options),
    ).rejects.toBe(refusal);
    expect(tries).toBe(1);
  });

  it('gives up after the attempts, naming what failed, how often and the last error', async () => {
    const failure = withRetry(() => Promise.reject(networkError('ECONNREFUSED')), options);
    await expect(failure).rejects.toBeInstanceOf(RetriesExhausted);
    await expect(failure).rejects.toThrow(
      'writing failed 3 times in a row; last error: connect ECONNREFUSED',
    );
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const failure = withRetry(() => Promise.reject(networkError('ECONNRESET')), {
      ...options,
      baseMs: 60_000,
      signal: controller.signal,
      onRetry: () => controller.abort(new Error('lease lost')),
    });
    await expect(failure).rejects.toThrow();
  });
});
