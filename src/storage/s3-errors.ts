import { toError } from '../errors/index.js';
import { StorageError } from './storage-errors.js';

/** An S3 request that failed: unreachable endpoint, refused credentials, missing bucket… */
export class StorageRequestError extends StorageError {
  override readonly name = 'StorageRequestError';
  readonly code = 'storage_request_failed';

  constructor(
    /** The S3 operation, such as `PutObject` or `HeadBucket`. */
    readonly operation: string,
    readonly bucket: string,
    /** The full object key, when the operation had one. */
    readonly objectKey: string | undefined,
    cause: Error,
  ) {
    const where = objectKey === undefined ? `s3://${bucket}` : `s3://${bucket}/${objectKey}`;
    const status = httpStatusOf(cause);
    super(
      `S3 ${operation} on ${where} failed: ${cause.name}` +
        `${status === undefined ? '' : ` (HTTP ${status})`}: ${cause.message}`,
      { cause },
    );
  }
}

/**
 * What to throw for a value caught from an S3 call: a {@link StorageError}
 * unchanged, anything else as a {@link StorageRequestError} naming the bucket and key.
 */
export function s3Failure(
  operation: string,
  bucket: string,
  objectKey: string | undefined,
  caught: unknown,
): StorageError {
  const error = toError(caught);
  if (error instanceof StorageError) return error;
  return new StorageRequestError(operation, bucket, objectKey, error);
}

/** The HTTP status of an AWS SDK service error, or undefined for a network or client error. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) {
    return undefined;
  }
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** True for a 404 answer: no such key (GET) or `NotFound` (HEAD, which has no body). */
export function isNotFound(error: unknown): boolean {
  const name = toError(error).name;
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatusOf(error) === 404;
}
