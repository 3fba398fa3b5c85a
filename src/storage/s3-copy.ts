import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { toError } from '../errors/index.js';
import { httpStatusOf, s3Failure } from './s3-errors.js';

/** The largest object a single `CopyObject` may copy: 5 GiB. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;

/** What {@link copyWithinBucket} copies, and how. */
export interface CopyRequest {
  readonly bucket: string;
  readonly sourceKey: string;
  readonly targetKey: string;
  /** Size of the source, from the HEAD that verified it. */
  readonly bytes: number;
  /** ETag of the verified source; the copy fails if the source changed since. */
  readonly etag: string | undefined;
  readonly contentType: string;
  /** Above this size the copy is multipart (`UploadPartCopy`). */
  readonly multipartThresholdBytes: number;
  /** Size of each copied part, at most 5 GiB. */
  readonly partBytes: number;
}

/**
 * Copies an object to another key of the same bucket, server side: one
 * `CopyObject` up to `multipartThresholdBytes`, otherwise a multipart upload of
 * `UploadPartCopy` ranges (S3 refuses a single copy above 5 GiB).
 */
export async function copyWithinBucket(client: S3Client, request: CopyRequest): Promise<void> {
  const { bucket, sourceKey, targetKey } = request;
  const copySource = `${bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`;
  if (request.bytes <= request.multipartThresholdBytes) {
    try {
      await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: targetKey,
          CopySource: copySource,
          CopySourceIfMatch: request.etag,
          MetadataDirective: 'COPY',
        }),
      );
      return;
    } catch (caught) {
      throw s3Failure('CopyObject', bucket, targetKey, caught);
    }
  }
  let uploadId: string | undefined;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: targetKey,
        ContentType: request.contentType,
      }),
    );
    uploadId = created.UploadId;
    const parts: CompletedPart[] = [];
    for (let start = 0, part = 1; start < request.bytes; start += request.partBytes, part += 1) {
      const end = Math.min(start + request.partBytes, request.bytes) - 1;
      const copied = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: targetKey,
          UploadId: uploadId,
          PartNumber: part,
          CopySource: copySource,
          CopySourceIfMatch: request.etag,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      parts.push({ PartNumber: part, ETag: copied.CopyPartResult?.ETag });
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: targetKey,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (caught) {
    if (uploadId !== undefined) await abortMultipartUpload(client, bucket, targetKey, uploadId);
    throw s3Failure('multipart copy', bucket, targetKey, caught);
  }
}

/**
 * Aborts a multipart upload so that its parts stop taking space. An upload
 * already gone (404) is fine, and so is a server that does not implement the
 * call (405/501, as s3rver): there the parts stay, invisible to readers and
 * listings.
 */
export async function abortMultipartUpload(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> {
  try {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
  } catch (caught) {
    const status = httpStatusOf(caught);
    if (status === 404 || status === 405 || status === 501) return;
    throw s3Failure('AbortMultipartUpload', bucket, key, toError(caught));
  }
}
