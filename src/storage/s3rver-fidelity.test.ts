import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedOf, writeAll } from './object-store-contract.js';
import { S3Store } from './s3-store.js';
import { s3rverClient, startS3Server, type TestS3Server } from '../../test/support/s3-server.js';

/*
 * What the S3 tests can and cannot prove against s3rver: each test pins one
 * behaviour of the server, so that a check s3rver skips is known, not assumed.
 */

let server: TestS3Server;
let client: S3Client;
let store: S3Store;
let url: string;
const content = Buffer.from('archive bytes\n'.repeat(100));

beforeAll(async () => {
  server = await startS3Server();
  client = s3rverClient(server);
  store = new S3Store({ bucket: server.bucket, prefix: 'exports/', client });
  const pending = await store.beginWrite('acme/export.zip');
  await writeAll(pending, content);
  await pending.publish(expectedOf(content));
  url = await store.presignGet('acme/export.zip', {
    expiresInSeconds: 300,
    fileName: 'acme-migration.zip',
  });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
});

/** The presigned URL with one query parameter changed (or removed, for `null`). */
function tampered(name: string, value: (old: string) => string | null): string {
  const changed = new URL(url);
  const next = value(changed.searchParams.get(name) ?? '');
  if (next === null) changed.searchParams.delete(name);
  else changed.searchParams.set(name, next);
  return changed.href;
}

async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

describe('presigned GET URLs on s3rver', () => {
  it('download without credentials, as an attachment named for the export', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="acme-migration.zip"',
    );
    expect(Buffer.from(await response.arrayBuffer())).toEqual(content);
  });

  it.each([
    ['X-Amz-Signature', (s: string) => (s.startsWith('0') ? '1' : '0') + s.slice(1)],
    ['X-Amz-Expires', (s: string) => String(Number(s) + 3600)],
    [
      'X-Amz-Date',
      (s: string) => s.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`),
    ],
    ['response-content-disposition', () => 'inline'],
  ])('are refused with 403 SignatureDoesNotMatch when %s is changed', async (name, change) => {
    const response = await fetch(tampered(name, change));
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('SignatureDoesNotMatch');
  });

  it('are refused with 403 once expired, even with a valid signature', async () => {
    const expired = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: server.bucket, Key: 'exports/acme/export.zip' }),
      { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) },
    );
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code>.*Request has expired/s);
  });

  it('are capped at 7 days by S3Store, and s3rver refuses a longer expiry', async () => {
    const month = await store.presignGet('acme/export.zip', {
      expiresInSeconds: 30 * 86_400,
      fileName: 'x.zip',
    });
    expect(new URL(month).searchParams.get('X-Amz-Expires')).toBe('604800');
    const tooLong = await fetch(tampered('X-Amz-Expires', () => '604801'));
    expect(tooLong.status).toBe(400);
  });

  it('s3rver does NOT enforce access control: the URL stripped of its signature still downloads', async () => {
    const bare = new URL(url);
    for (const name of [...bare.searchParams.keys()]) bare.searchParams.delete(name);
    const response = await fetch(bare);
    // AWS S3 answers 403 AccessDenied for a private bucket.
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(content);
  });
});

describe('requests signed in headers on s3rver', () => {
  it('are refused with a wrong secret key', async () => {
    const wrong = s3rverClient(server, 'not-the-secret');
    await expect(
      wrong.send(new HeadBucketCommand({ Bucket: server.bucket })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    wrong.destroy();
  });

  it('s3rver does NOT check the payload against x-amz-content-sha256, Content-MD5 or x-amz-checksum-*', async () => {
    const tamperer = s3rverClient(server);
    tamperer.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { body?: unknown };
        // After signing: same length, other bytes.
        if (Buffer.isBuffer(request.body) || typeof request.body === 'string') {
          request.body = Buffer.from('EVIL'.padEnd(Buffer.byteLength(request.body), '!'));
        }
        return next(args);
      },
      { step: 'deserialize', name: 'swapBodyAfterSigning' },
    );
    const body = Buffer.from('the bytes that were signed');
    await tamperer.send(
      new PutObjectCommand({
        Bucket: server.bucket,
        Key: 'fidelity/tampered',
        Body: body,
        ContentMD5: createHash('md5').update(body).digest('base64'),
      }),
    );
    tamperer.destroy();
    const stored = await client.send(
      new GetObjectCommand({ Bucket: server.bucket, Key: 'fidelity/tampered' }),
    );
    // AWS S3 answers 400 XAmzContentSHA256Mismatch / BadDigest and stores nothing.
    expect(await stored.Body?.transformToString()).toMatch(/^EVIL!+$/);
  });

  it('s3rver does NOT check If-Match (GET) conditions', async () => {
    const response = await client.send(
      new GetObjectCommand({
        Bucket: server.bucket,
        Key: 'exports/acme/export.zip',
        IfMatch: '"0000"',
      }),
    );
    // AWS S3 answers 412 PreconditionFailed.
    expect(response.$metadata.httpStatusCode).toBe(200);
    await response.Body?.transformToString();
  });
});

describe('multipart uploads on s3rver', () => {
  it('s3rver does NOT check part ETags or the 5 MiB minimum part size, and its ETag is a plain MD5', async () => {
    const Key = 'fidelity/multipart';
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: server.bucket, Key }),
    );
    for (const PartNumber of [1, 2]) {
      await client.send(
        new UploadPartCommand({
          Bucket: server.bucket,
          Key,
          UploadId,
          PartNumber,
          Body: `part ${PartNumber};`,
        }),
      );
    }
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: server.bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: '"00000000000000000000000000000000"' },
            { PartNumber: 2, ETag: '"ffffffffffffffffffffffffffffffff"' },
          ],
        },
      }),
    );
    // AWS S3 answers 400 InvalidPart (ETag) or EntityTooSmall (part 1 under 5 MiB).
    const md5 = createHash('md5').update('part 1;part 2;').digest('hex');
    expect(completed.ETag).toBe(`"${md5}"`);
  });

  it('s3rver does NOT implement AbortMultipartUpload (405) nor ListMultipartUploads (501): parts stay on its disk', async () => {
    const Key = 'fidelity/abandoned';
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: server.bucket, Key }),
    );
    await client.send(
      new UploadPartCommand({ Bucket: server.bucket, Key, UploadId, PartNumber: 1, Body: 'x' }),
    );
    await expect(
      client.send(new AbortMultipartUploadCommand({ Bucket: server.bucket, Key, UploadId })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 405 } });
    await expect(
      client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 501 },
    });
    const uploads = await readdir(join(server.directory, server.bucket, '._S3rver_uploads'));
    expect(uploads).toContain(UploadId);
  });
});
