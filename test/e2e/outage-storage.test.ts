import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import {
  s3rverClient,
  setProcessEnv,
  startS3Server,
  type TestS3Server,
} from '../support/s3-server.js';
import { startOutageProxy, type OutageProxy } from './outage-proxy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Portage reaches s3rver through a proxy the tests cut and restore. Four tries
// with waits from 400 ms: an outage of a few hundred ms passes, one of ~3 s does not.
describe('storage unavailable for a while (s3rver behind a cut line)', { timeout: 60_000 }, () => {
  let s3: TestS3Server;
  let proxy: OutageProxy;
  let client: S3Client;
  let restoreEnv: () => void;
  let server: TestServer;

  beforeAll(async () => {
    s3 = await startS3Server();
    proxy = await startOutageProxy({ host: '127.0.0.1', port: Number(new URL(s3.endpoint).port) });
    client = s3rverClient(s3);
    const env = { ...s3.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${proxy.port}` };
    restoreEnv = setProcessEnv(env);
    server = await startServer({
      PORTAGE_STORAGE_URL: `s3://${s3.bucket}/`,
      PORTAGE_RETRY_ATTEMPTS: '4',
      PORTAGE_RETRY_BASE_MS: '400',
      // Each request tried once: these tests are about the retries of the whole archive.
      PORTAGE_STORAGE_RETRY_ATTEMPTS: '1',
      ...env,
    });
  });
  afterAll(async () => {
    await server?.close();
    restoreEnv?.();
    client?.destroy();
    await proxy?.close();
    await s3?.close();
  });

  const create = async (): Promise<string> => {
    const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    return created.data!.id;
  };
  const keysOf = async (id: string): Promise<string[]> => {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (page.Contents ?? [])
      .map((object) => object.Key ?? '')
      .filter((key) => key.includes(id) || key.startsWith('.tmp/'));
  };
  /** Exactly one object for the export, no temporary one, its bytes matching `file`. */
  const expectOneValidObject = async (done: Record<string, unknown>) => {
    const id = done.id as string;
    const file = done.file as { name: string; bytes: number; sha256: string };
    const keys = await keysOf(id);
    expect(keys).toEqual([`exports/acme/${file.name}`]);
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: keys[0] }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(bytes.length).toBe(file.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
  };

  it('completes when storage is down as the export starts and comes back a little later', async () => {
    proxy.cut();
    const id = await create();
    const refusedBefore = proxy.refused;
    while (proxy.refused === refusedBefore) await sleep(20);
    await sleep(300);
    proxy.restore();
    const done = await waitForExport(server.baseUrl, server.keys.acme!, id);
    expect(done.status).toBe('completed');
    await expectOneValidObject(done);
    expect((await server.runtime.store.exports.getById(id))?.attempts).toBe(1);
  });

  it('completes when the line is cut in the middle of the upload and restored a little later', async () => {
    const cut = proxy.cutAfter(64 * 1024);
    const id = await create();
    await cut;
    await sleep(300);
    proxy.restore();
    const done = await waitForExport(server.baseUrl, server.keys.acme!, id);
    expect(done.status).toBe('completed');
    await expectOneValidObject(done);
  });

  it('fails with storage_failed, saying how often it tried and why, when the outage outlasts the retries', async () => {
    proxy.cut();
    const started = Date.now();
    const id = await create();
    const done = await waitForExport(server.baseUrl, server.keys.acme!, id);
    const elapsed = Date.now() - started;
    proxy.restore();
    expect(done.status).toBe('failed');
    const error = done.error as { code: string; message: string };
    expect(error.code).toBe('storage_failed');
    expect(error.message).toMatch(
      /^Writing the archive to storage failed 4 times in a row, retried with backoff; last error: S3 .+ failed: .*(ECONNRESET|ECONNREFUSED|socket hang up)/,
    );
    // The tenant reads it: neither the storage's address nor its bucket.
    expect(error.message).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b|s3:\/\/\w/);
    expect(error.message).not.toContain(s3.bucket);
    // Three waits of at least 200, 400 and 800 ms (the jitter takes off at most half).
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(await keysOf(id)).toEqual([]);
  });
});

// The same cut line, but the archive is written once (PORTAGE_RETRY_ATTEMPTS=1):
// only the retry of each request, part by part, can carry it over the outage.
// Waits of 5–20 ms stand for the default 1–20 s, and the outage lasts until
// 40 tries have been refused, as a long one does.
describe('a long storage outage in the middle of an upload', { timeout: 60_000 }, () => {
  let s3: TestS3Server;
  let proxy: OutageProxy;
  let restoreEnv: () => void;
  let server: TestServer;

  beforeAll(async () => {
    s3 = await startS3Server();
    proxy = await startOutageProxy({ host: '127.0.0.1', port: Number(new URL(s3.endpoint).port) });
    const env = { ...s3.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${proxy.port}` };
    restoreEnv = setProcessEnv(env);
    server = await startServer({
      PORTAGE_STORAGE_URL: `s3://${s3.bucket}/`,
      PORTAGE_RETRY_ATTEMPTS: '1',
      PORTAGE_STORAGE_RETRY_ATTEMPTS: '1000',
      PORTAGE_STORAGE_RETRY_BASE_MS: '5',
      PORTAGE_STORAGE_RETRY_MAX_MS: '20',
      ...env,
    });
  });
  afterAll(async () => {
    await server?.close();
    restoreEnv?.();
    await proxy?.close();
    await s3?.close();
  });

  it('completes on its first attempt: the parts in flight are resent, the archive is not rebuilt', async () => {
    const cut = proxy.cutAfter(64 * 1024);
    const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(created.response.status).toBe(202);
    const id = created.data!.id;
    await cut;
    const statusOf = async () => (await server.runtime.store.exports.getById(id))?.status;
    while (proxy.refused < 40 && (await statusOf()) === 'running') await sleep(10);
    expect(await statusOf()).toBe('running');
    proxy.restore();
    const done = await waitForExport(server.baseUrl, server.keys.acme!, id);
    expect(done.status).toBe('completed');
    expect((await server.runtime.store.exports.getById(id))?.attempts).toBe(1);
    const file = done.file as { bytes: number; sha256: string };
    const download = await fetch(String(done.download_url));
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(file.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
  });
});

describe('storage that refuses (no such bucket)', { timeout: 30_000 }, () => {
  let s3: TestS3Server;
  let restoreEnv: () => void;
  let server: TestServer;

  beforeAll(async () => {
    s3 = await startS3Server();
    restoreEnv = setProcessEnv(s3.env);
    server = await startServer({
      PORTAGE_STORAGE_URL: `s3://${s3.bucket}-missing/`,
      PORTAGE_RETRY_BASE_MS: '5000',
      ...s3.env,
    });
  });
  afterAll(async () => {
    await server?.close();
    restoreEnv?.();
    await s3?.close();
  });

  it('fails at once with storage_failed: a 4xx is not retried', async () => {
    const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    const done = await waitForExport(server.baseUrl, server.keys.acme!, created.data!.id);
    expect(done.status).toBe('failed');
    const error = done.error as { code: string; message: string };
    expect(error.code).toBe('storage_failed');
    expect(error.message).toMatch(/NoSuchBucket/);
    // A retried failure says how often it was tried; a 4xx is tried once.
    expect(error.message).not.toMatch(/times in a row/);
  });
});
