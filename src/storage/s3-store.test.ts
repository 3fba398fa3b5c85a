import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeObjectStore,
  expectedOf,
  readAll,
  writeAll,
  type StoreFixture,
} from './object-store-contract.js';
import { S3Store, type S3StoreOptions } from './s3-store.js';
import { IntegrityError, ObjectNotFoundError } from './storage-errors.js';
import { StorageRequestError } from './s3-errors.js';
import { s3rverClient, startS3Server, type TestS3Server } from '../../test/support/s3-server.js';

const MIB = 1024 * 1024;
let server: TestS3Server;
let prefixes = 0;

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(async () => server?.close());

function clientFor(s3: TestS3Server, secretAccessKey?: string): S3Client {
  return s3rverClient(s3, secretAccessKey);
}

/** Every key in the bucket under `prefix`, relative to it. */
async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) keys.push((object.Key ?? '').slice(prefix.length));
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

/** A store under a fresh prefix of the shared s3rver bucket. */
export function openS3Store(options: Partial<S3StoreOptions> = {}): StoreFixture & {
  store: S3Store;
} {
  const client = clientFor(server);
  const prefix = `run-${process.pid}-${++prefixes}/`;
  const store = new S3Store({ bucket: server.bucket, prefix, client, ...options });
  return {
    store,
    listEverything: () => listKeys(client, server.bucket, prefix),
    cleanup: () => Promise.resolve(client.destroy()),
  };
}

describeObjectStore('s3 (s3rver)', () => Promise.resolve(openS3Store()));

/** `total` bytes of a repeating, non-trivial pattern, produced 64 KiB at a time. */
function patterned(total: number): { stream: Readable; sha256: string; produced(): number } {
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; i < block.length; i += 1) block[i] = (i * 31 + (i >> 8)) & 0xff;
  const hash = createHash('sha256');
  for (let left = total; left > 0; left -= block.length)
    hash.update(block.subarray(0, Math.min(left, block.length)));
  let produced = 0;
  function* generate(): Generator<Buffer> {
    for (let left = total; left > 0; left -= block.length) {
      const chunk = Buffer.from(block.subarray(0, Math.min(left, block.length)));
      produced += chunk.length;
      yield chunk;
    }
  }
  return {
    stream: Readable.from(generate()),
    sha256: hash.digest('hex'),
    produced: () => produced,
  };
}

/** Bytes s3rver has received so far in parts of multipart uploads not yet completed. */
async function bytesReceivedInParts(): Promise<number> {
  const root = join(server.directory, server.bucket, '._S3rver_uploads');
  let bytes = 0;
  for (const upload of await readdir(root).catch(() => [] as string[])) {
    for (const part of await readdir(join(root, upload)).catch(() => [] as string[])) {
      if (/^\d+$/.test(part))
        bytes += (await stat(join(root, upload, part)).catch(() => ({ size: 0 }))).size;
    }
  }
  return bytes;
}

describe('S3Store on s3rver', () => {
  it('streams a 64 MiB archive as a multipart upload, never more than the part queue ahead of the server', async () => {
    const fixture = openS3Store({ partSizeBytes: 5 * MIB, queueSize: 2 });
    const total = 64 * MIB;
    const source = patterned(total);
    let maxAhead = 0;
    let writing = true;
    const sampler = (async () => {
      while (writing) {
        const received = await bytesReceivedInParts();
        if (writing) maxAhead = Math.max(maxAhead, source.produced() - received);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const pending = await fixture.store.beginWrite('big/archive.zip');
    try {
      await pipeline(source.stream, pending.writable);
    } finally {
      writing = false;
      await sampler;
    }
    await pending.publish({ bytes: total, sha256: source.sha256 });
    console.info(
      `64 MiB upload, 5 MiB parts, queue 2: at most ${(maxAhead / MIB).toFixed(1)} MiB produced ahead of what s3rver had received while writing`,
    );
    // Two parts in flight, one filling, and the stream buffers: memory does not grow with the archive.
    expect(maxAhead).toBeLessThan(4 * 5 * MIB);
    expect(await fixture.store.stat('big/archive.zip')).toEqual({ bytes: total });
    const hash = createHash('sha256');
    for await (const chunk of await fixture.store.read('big/archive.zip'))
      hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(source.sha256);
    expect(await fixture.listEverything()).toEqual(['big/archive.zip']);
  });

  it('publishes through a multipart copy above the single-copy threshold', async () => {
    const fixture = openS3Store({ multipartCopyThresholdBytes: 1 * MIB, copyPartBytes: 5 * MIB });
    const total = 12 * MIB + 7;
    const { stream, sha256 } = patterned(total);
    const pending = await fixture.store.beginWrite('copied.zip');
    await pipeline(stream, pending.writable);
    await pending.publish({ bytes: total, sha256 });
    const hash = createHash('sha256');
    for await (const chunk of await fixture.store.read('copied.zip')) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(sha256);
    expect(await fixture.listEverything()).toEqual(['copied.zip']);
  });

  it('leaves no object and no temporary when a multi-part write is published with a wrong sha256', async () => {
    const fixture = openS3Store({ partSizeBytes: 5 * MIB });
    const total = 11 * MIB;
    const { stream } = patterned(total);
    const pending = await fixture.store.beginWrite('wrong.zip');
    await pipeline(stream, pending.writable);
    const wrong = { bytes: total, sha256: 'ab'.repeat(32) };
    await expect(pending.publish(wrong)).rejects.toBeInstanceOf(IntegrityError);
    await expect(pending.publish(wrong)).rejects.toThrow(/already aborted/);
    expect(await fixture.store.stat('wrong.zip')).toBeNull();
    expect(await fixture.listEverything()).toEqual([]);
  });

  it('leaves no object when a multi-part write is aborted part way, and unblocks the writer', async () => {
    const fixture = openS3Store({ partSizeBytes: 5 * MIB });
    const { stream } = patterned(64 * MIB);
    const pending = await fixture.store.beginWrite('aborted.zip');
    const writing = pipeline(stream, pending.writable).then(
      () => new Error('the write should not finish'),
      (error: unknown) => error,
    );
    while (stream.readableLength === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pending.abort();
    expect(await writing).toMatchObject({ name: 'AbortError' });
    expect(await fixture.store.stat('aborted.zip')).toBeNull();
    expect(await fixture.listEverything()).toEqual([]);
  });

  it('fails the writer and publish with a StorageRequestError naming bucket and key when the upload is refused', async () => {
    const client = clientFor(server, 'wrong-secret');
    const store = new S3Store({ bucket: server.bucket, prefix: 'refused/', client });
    const pending = await store.beginWrite('r.zip');
    await expect(writeAll(pending, Buffer.from('bytes'))).resolves.toBeUndefined();
    const publishing = pending.publish(expectedOf(Buffer.from('bytes')));
    await expect(publishing).rejects.toBeInstanceOf(StorageRequestError);
    await expect(publishing).rejects.toThrow(
      new RegExp(
        `S3 multipart upload on s3://${server.bucket}/refused/\\.tmp/.*SignatureDoesNotMatch`,
      ),
    );
    await expect(store.ping()).rejects.toThrow(`S3 HeadBucket on s3://${server.bucket} failed`);
  });

  it('answers a range that starts past the end with no bytes, and a missing key with ObjectNotFoundError', async () => {
    const { store } = openS3Store();
    const pending = await store.beginWrite('short.zip');
    await writeAll(pending, Buffer.from('0123456789'));
    await pending.publish(expectedOf(Buffer.from('0123456789')));
    expect((await readAll(await store.read('short.zip', { start: 6, end: 99 }))).toString()).toBe(
      '6789',
    );
    expect((await readAll(await store.read('short.zip', { start: 50, end: 99 }))).length).toBe(0);
    await expect(store.read('nothing.zip')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('sweeps temporary objects older than the threshold only', async () => {
    const fixture = openS3Store();
    const client = clientFor(server);
    const tempKey = `${fixture.store.prefix}.tmp/0-crashed.part`;
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: tempKey, Body: 'x' }));
    expect(await fixture.store.sweepTemporary(3_600_000)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await fixture.store.sweepTemporary(500)).toBe(1);
    expect(await fixture.listEverything()).toEqual([]);
  });
});
