import {
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { abortMultipartUpload } from './s3-copy.js';
import { httpStatusOf, s3Failure } from './s3-errors.js';

/**
 * Every object under `prefix` (`prefix` included in each key), page after
 * page of `ListObjectsV2`.
 */
export async function* listS3Objects(
  client: S3Client,
  bucket: string,
  prefix: string,
): AsyncGenerator<{ readonly key: string; readonly modified: Date | undefined }> {
  let token: string | undefined;
  do {
    const page = await client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
      .catch((caught: unknown) =>
        Promise.reject(s3Failure('ListObjectsV2', bucket, prefix, caught)),
      );
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) yield { key: object.Key, modified: object.LastModified };
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/**
 * Deletes the objects under `tempPrefix` last modified before `olderThanMs`
 * ago, and aborts the multipart uploads under it initiated before then; returns
 * how many of both. A server that cannot list multipart uploads (501, as
 * s3rver) only has its objects swept.
 */
export async function sweepS3Temporary(
  client: S3Client,
  bucket: string,
  tempPrefix: string,
  olderThanMs: number,
): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let swept = 0;
  for await (const object of listS3Objects(client, bucket, tempPrefix)) {
    if ((object.modified?.getTime() ?? cutoff) >= cutoff) continue;
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.key }));
    } catch (caught) {
      throw s3Failure('DeleteObject', bucket, object.key, caught);
    }
    swept += 1;
  }
  return swept + (await abortStaleUploads(client, bucket, tempPrefix, cutoff));
}

async function abortStaleUploads(
  client: S3Client,
  bucket: string,
  tempPrefix: string,
  cutoff: number,
): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await client.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: tempPrefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
    } catch (caught) {
      const status = httpStatusOf(caught);
      if (status === 405 || status === 501) return aborted;
      throw s3Failure('ListMultipartUploads', bucket, tempPrefix, caught);
    }
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      if ((upload.Initiated?.getTime() ?? cutoff) >= cutoff) continue;
      await abortMultipartUpload(client, bucket, upload.Key, upload.UploadId);
      aborted += 1;
    }
    if (page.IsTruncated !== true) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
