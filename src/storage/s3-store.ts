import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { TEMPORARY_PREFIX, validateKeyPrefix, validateObjectKey } from './object-key.js';
import { MAX_SINGLE_COPY_BYTES } from './s3-copy.js';
import { httpStatusOf, isNotFound, s3Failure } from './s3-errors.js';
import { S3PendingObject } from './s3-pending-object.js';
import { DEFAULT_STORAGE_RETRY, storageRetryStrategy, type StorageRetry } from './s3-retry.js';
import { listS3Objects, sweepS3Temporary } from './s3-sweep.js';
import { attachmentDisposition } from './content-disposition.js';
import { checkByteRange, ObjectNotFoundError, StorageConfigError } from './storage-errors.js';
import type { ByteRange, ObjectStore, PendingObject, PresignGetOptions } from './types.js';

/** The longest a SigV4 presigned URL may live: 7 days, in seconds. */
export const MAX_PRESIGN_SECONDS = 604_800;

const MIB = 1024 * 1024;

/** Options of {@link S3Store}. */
export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix of every object, `''` or ending in `/`. (Default: `''`.) */
  readonly prefix?: string;
  /** The client to use. (Default: {@link createS3Client}, configured from the `AWS_*` variables.) */
  readonly client?: S3Client;
  /**
   * Size of each uploaded part, at least 5 MiB. An object has at most 10,000
   * parts, so this also caps the archive size (8 MiB: about 78 GiB). (Default: 8 MiB.)
   */
  readonly partSizeBytes?: number;
  /**
   * Parts uploaded at once. Memory per write stays near
   * `(queueSize + 1) × partSizeBytes`. (Default: 2.)
   */
  readonly queueSize?: number;
  /** Above this size, publish copies in parts (`UploadPartCopy`). (Default: 5 GiB, S3's limit for one `CopyObject`.) */
  readonly multipartCopyThresholdBytes?: number;
  /** Size of each part of a multipart copy. (Default: 512 MiB.) */
  readonly copyPartBytes?: number;
  /**
   * How each request of a write is retried: each part alone, so an outage
   * costs no rebuild of the archive. Ignored when `client` is given.
   * (Default: {@link DEFAULT_STORAGE_RETRY}, outlasting an outage of 151 s.)
   */
  readonly writeRetry?: StorageRetry;
}

/**
 * An S3 client configured by the AWS SDK's own settings: `AWS_ENDPOINT_URL`
 * (or `AWS_ENDPOINT_URL_S3`), `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, profiles and instance roles. Addressing is
 * path-style (`endpoint/bucket/key`, what MinIO and most S3-compatible servers
 * need) when an endpoint is set, virtual-host style otherwise;
 * `AWS_S3_FORCE_PATH_STYLE=true|false` overrides. (Default: as described.)
 */
export function createS3Client(
  env: NodeJS.ProcessEnv = process.env,
  retry?: StorageRetry,
): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const forced = env.AWS_S3_FORCE_PATH_STYLE?.trim().toLowerCase();
  if (forced !== undefined && forced !== '' && forced !== 'true' && forced !== 'false') {
    throw new StorageConfigError(
      'AWS_S3_FORCE_PATH_STYLE',
      `"${forced}" is neither true nor false`,
    );
  }
  const forcePathStyle =
    forced === 'true' || ((forced ?? '') === '' && endpoint !== undefined && endpoint !== '');
  return new S3Client({
    forcePathStyle,
    ...(retry !== undefined && { retryStrategy: storageRetryStrategy(retry) }),
  });
}

/**
 * An {@link ObjectStore} in an S3 bucket (AWS S3 or any S3-compatible server),
 * every key under `prefix`. Writes stream into a multipart upload of
 * `<prefix>.tmp/<time>-<uuid>.part`; publish re-reads that object to check its
 * size and sha256, copies it to its key (S3 has no rename) and deletes it.
 * Downloads are presigned GET URLs, so Portage never proxies the bytes.
 *
 * Operators should also give the bucket a lifecycle rule aborting incomplete
 * multipart uploads after a day: a writer killed mid-upload leaves parts that
 * no listing of objects shows.
 */
export class S3Store implements ObjectStore {
  readonly kind = 's3';
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  /** The client of writes, whose requests are retried by `writeRetry`. */
  readonly #writeClient: S3Client;
  readonly #partSizeBytes: number;
  readonly #queueSize: number;
  readonly #multipartCopyThresholdBytes: number;
  readonly #copyPartBytes: number;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    if (this.prefix !== '' && !this.prefix.endsWith('/')) {
      throw new StorageConfigError(
        'PORTAGE_STORAGE_URL',
        `S3 prefix "${this.prefix}" must end with /`,
      );
    }
    this.client = options.client ?? createS3Client();
    this.#writeClient =
      options.client ?? createS3Client(process.env, options.writeRetry ?? DEFAULT_STORAGE_RETRY);
    this.#partSizeBytes = options.partSizeBytes ?? 8 * MIB;
    this.#queueSize = options.queueSize ?? 2;
    this.#multipartCopyThresholdBytes =
      options.multipartCopyThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
    this.#copyPartBytes = options.copyPartBytes ?? 512 * MIB;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a bad key must reject, not throw
  async beginWrite(key: string): Promise<PendingObject> {
    const finalKey = this.#keyOf(key);
    const tempKey = `${this.prefix}${TEMPORARY_PREFIX}${Date.now()}-${randomUUID()}.part`;
    return new S3PendingObject(key, {
      client: this.#writeClient,
      bucket: this.bucket,
      tempKey,
      finalKey,
      partSizeBytes: this.#partSizeBytes,
      queueSize: this.#queueSize,
      multipartCopyThresholdBytes: this.#multipartCopyThresholdBytes,
      copyPartBytes: this.#copyPartBytes,
    });
  }

  async stat(key: string): Promise<{ bytes: number } | null> {
    const objectKey = this.#keyOf(key);
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }),
      );
      return { bytes: head.ContentLength ?? 0 };
    } catch (caught) {
      if (isNotFound(caught)) return null;
      throw s3Failure('HeadObject', this.bucket, objectKey, caught);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const objectKey = this.#keyOf(key);
    checkByteRange(key, range);
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('GetObject returned no body');
      return response.Body;
    } catch (caught) {
      if (isNotFound(caught)) throw new ObjectNotFoundError(key);
      // A range starting past the end: empty, as the file store answers.
      if (range && httpStatusOf(caught) === 416) return Readable.from([]);
      throw s3Failure('GetObject', this.bucket, objectKey, caught);
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.#keyOf(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (caught) {
      if (isNotFound(caught)) return;
      throw s3Failure('DeleteObject', this.bucket, objectKey, caught);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const listed = this.prefix + validateKeyPrefix(prefix);
    for await (const object of listS3Objects(this.client, this.bucket, listed)) {
      yield object.key.slice(this.prefix.length);
    }
  }

  /**
   * A presigned GET URL whose response carries `Content-Disposition: attachment`
   * with `fileName`. It lives `expiresInSeconds`, at least 1 and at most
   * {@link MAX_PRESIGN_SECONDS} (SigV4's limit), and no longer than the
   * credentials that sign it (temporary credentials expire sooner).
   */
  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    const objectKey = this.#keyOf(key);
    const expiresIn = Math.min(
      MAX_PRESIGN_SECONDS,
      Math.max(1, Math.floor(options.expiresInSeconds)),
    );
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: objectKey,
      ResponseContentDisposition: attachmentDisposition(options.fileName),
    });
    try {
      return await getSignedUrl(this.client, command, { expiresIn });
    } catch (caught) {
      throw s3Failure('presign GetObject', this.bucket, objectKey, caught);
    }
  }

  /** Checks that the bucket exists and the credentials may use it (`HeadBucket`); write access is not probed. */
  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (caught) {
      throw s3Failure('HeadBucket', this.bucket, undefined, caught);
    }
  }

  /**
   * Deletes temporary objects under `<prefix>.tmp/` last modified more than
   * `olderThanMs` ago, and aborts multipart uploads there initiated before
   * then (where the server can list them); returns how many of both.
   */
  sweepTemporary(olderThanMs: number): Promise<number> {
    return sweepS3Temporary(
      this.client,
      this.bucket,
      `${this.prefix}${TEMPORARY_PREFIX}`,
      olderThanMs,
    );
  }

  #keyOf(key: string): string {
    return this.prefix + validateObjectKey(key);
  }
}
