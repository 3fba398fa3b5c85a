import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { abortMultipartUpload, copyWithinBucket } from './s3-copy.js';
import { s3Failure } from './s3-errors.js';
import { IntegrityError } from './storage-errors.js';
import { PendingObjectBase } from './pending-object-base.js';
import type { ExpectedContent } from './types.js';

/** Where and how an {@link S3PendingObject} writes. */
export interface S3WriteTarget {
  readonly client: S3Client;
  readonly bucket: string;
  /** Full key of the temporary object, under the store's `.tmp/`. */
  readonly tempKey: string;
  /** Full key the object is published under. */
  readonly finalKey: string;
  readonly partSizeBytes: number;
  readonly queueSize: number;
  readonly multipartCopyThresholdBytes: number;
  readonly copyPartBytes: number;
}

const CONTENT_TYPE = 'application/zip';

/**
 * An S3 object being written: the bytes stream into a multipart upload of the
 * temporary key, at most `queueSize + 1` parts in memory. `publish` re-reads
 * them, then copies them to the final key; see {@link PendingObject}.
 */
export class S3PendingObject extends PendingObjectBase {
  readonly writable: PassThrough;
  readonly #target: S3WriteTarget;
  readonly #upload: Upload;
  /** Settles when the upload has stopped: `null` once stored, or what made it fail. */
  readonly #uploaded: Promise<Error | null>;

  /** Use `S3Store.beginWrite`. */
  constructor(key: string, target: S3WriteTarget) {
    super(key);
    this.#target = target;
    this.writable = new PassThrough();
    this.#upload = new Upload({
      client: target.client,
      params: {
        Bucket: target.bucket,
        Key: target.tempKey,
        Body: this.writable,
        ContentType: CONTENT_TYPE,
      },
      partSize: target.partSizeBytes,
      queueSize: target.queueSize,
      leavePartsOnError: true,
    });
    this.#uploaded = this.#upload.done().then(
      () => null,
      (caught: unknown) => {
        const error = s3Failure('multipart upload', target.bucket, target.tempKey, caught);
        // A writer blocked on back-pressure must learn that nobody reads any more.
        this.writable.destroy(error);
        return error;
      },
    );
  }

  protected async verifyAndPlace(expected: ExpectedContent): Promise<void> {
    const { client, bucket, tempKey, finalKey } = this.#target;
    const failure = await this.#uploaded;
    if (failure !== null) throw failure;
    const head = await client
      .send(new HeadObjectCommand({ Bucket: bucket, Key: tempKey }))
      .catch((caught: unknown) => Promise.reject(s3Failure('HeadObject', bucket, tempKey, caught)));
    const actual = await this.#hashStored(head.ETag);
    if (
      head.ContentLength !== expected.bytes ||
      actual.bytes !== expected.bytes ||
      actual.sha256 !== expected.sha256.toLowerCase()
    ) {
      throw new IntegrityError(this.key, expected, actual);
    }
    await copyWithinBucket(client, {
      bucket,
      sourceKey: tempKey,
      targetKey: finalKey,
      bytes: actual.bytes,
      etag: head.ETag,
      contentType: CONTENT_TYPE,
      multipartThresholdBytes: this.#target.multipartCopyThresholdBytes,
      partBytes: this.#target.copyPartBytes,
    });
  }

  /** A temporary object left by a failed delete is for sweepTemporary. */
  protected override afterPublish(): Promise<void> {
    return this.#deleteTemp();
  }

  /** Streams the temporary object back, returning its size and sha256. */
  async #hashStored(etag: string | undefined): Promise<ExpectedContent> {
    const { client, bucket, tempKey } = this.#target;
    try {
      const response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: tempKey, IfMatch: etag }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('GetObject returned no body');
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of response.Body) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
      }
      return { bytes, sha256: hash.digest('hex') };
    } catch (caught) {
      throw s3Failure('GetObject', bucket, tempKey, caught);
    }
  }

  /** Stops the upload, aborts its multipart upload if any, and deletes the temporary object. */
  protected async discard(): Promise<void> {
    const { client, bucket, tempKey } = this.#target;
    this.writable.destroy(
      Object.assign(new Error(`write of ${this.key} aborted`), { name: 'AbortError' }),
    );
    // Requests in flight stop now, not after spending their retries on an outage.
    await this.#upload.abort();
    const failure = await this.#uploaded;
    const uploadId = this.#upload.uploadId;
    if (failure !== null && uploadId !== undefined) {
      await abortMultipartUpload(client, bucket, tempKey, uploadId);
    }
    await this.#deleteTemp();
  }

  async #deleteTemp(): Promise<void> {
    const { client, bucket, tempKey } = this.#target;
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: tempKey }));
    } catch (caught) {
      throw s3Failure('DeleteObject', bucket, tempKey, caught);
    }
  }
}
