import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import {
  demoDatabase,
  demoFiles,
  startServer,
  type TestServer,
} from '../support/portage-server.js';
import { rawRequest } from '../support/raw-http.js';

/** Resolves once `seen` holds (log lines reach the sink a moment after the answer). */
async function logged(seen: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error('the expected log lines never came');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The server's log lines, parsed. */
function logSink(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

// A download that reached its client whole is logged as a completed request,
// never as a stream that closed early or failed.
describe('the log of a download', () => {
  let server: TestServer;
  let key: string;
  let exported: Record<string, unknown>;
  const logs = logSink();
  beforeAll(async () => {
    server = await startServer({}, { logStream: logs.stream });
    key = server.keys.acme!;
    const created = await portageClient(server.baseUrl, key).POST('/v1/exports', {
      body: { purpose: 'migration', formats: ['json', 'csv'] },
    });
    exported = await waitForExport(server.baseUrl, key, String(created.data!.id));
    expect(exported.status).toBe('completed');
  });
  afterAll(async () => server?.close());

  it('holds no stream error for whole, ranged and signed-link downloads', async () => {
    const file = exported.file as { bytes: number; sha256: string };
    const path = `/v1/exports/${String(exported.id)}/download`;
    const whole = await fetch(new URL(path, server.baseUrl), {
      headers: { authorization: `Bearer ${key}` },
    });
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    const ranged = await fetch(new URL(path, server.baseUrl), {
      headers: { authorization: `Bearer ${key}`, range: 'bytes=10-99' },
    });
    expect(ranged.status).toBe(206);
    expect((await ranged.arrayBuffer()).byteLength).toBe(90);
    const signed = await fetch(String(exported.download_url));
    expect(Buffer.from(await signed.arrayBuffer()).equals(bytes)).toBe(true);
    // As curl asks: one request, then the connection closes.
    const closing = await rawRequest(
      server.baseUrl,
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
    );
    expect(closing.status).toBe(200);
    expect(Buffer.from(closing.body, 'latin1').equals(bytes)).toBe(true);
    const head = await fetch(new URL(path, server.baseUrl), {
      method: 'HEAD',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(file.bytes));

    const downloadIds = () =>
      new Set(
        logs
          .lines()
          .filter((l) => String((l.req as { url?: string } | undefined)?.url).includes('/download'))
          .map((l) => l.reqId),
      );
    await logged(() => downloadIds().size === 5);
    const downloads = downloadIds();
    const completedLines = () =>
      logs.lines().filter((l) => downloads.has(l.reqId) && l.msg === 'request completed');
    await logged(() => completedLines().length === downloads.size);
    const completed = completedLines();
    expect(completed.map((l) => (l.res as { statusCode: number }).statusCode).sort()).toEqual([
      200, 200, 200, 200, 206,
    ]);
    const troubles = logs
      .lines()
      .filter(
        (l) =>
          /premature|terminated|headers already sent|not end properly/i.test(String(l.msg)) ||
          Number(l.level) >= 40,
      );
    expect(troubles).toEqual([]);
  });
});

/** The files this process holds open under `dir` (Linux). */
async function openFilesUnder(dir: string): Promise<string[]> {
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(dir));
}

/**
 * Asks for `path` on a raw connection, reads `bytes` of the answer, then resets
 * the connection, as a browser does when its user cancels a download.
 */
function abandonDownload(baseUrl: string, path: string, key: string, bytes: number): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= bytes) socket.resetAndDestroy();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      received >= bytes ? resolve() : reject(new Error(`only ${received} bytes came`)),
    );
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`);
  });
}

// A client that leaves in the middle of a download is the one case a stream
// ends early: it is logged as such (info, not an error, and not as completed),
// the archive is closed, and the server goes on serving.
describe('a download its client abandons', () => {
  let server: TestServer;
  let key: string;
  let files: string;
  let exported: Record<string, unknown>;
  const logs = logSink();
  beforeAll(async () => {
    // An incompressible attachment makes an archive far larger than the
    // socket buffers, so that the server is still sending when the client leaves.
    files = await mkdtemp(join(tmpdir(), 'portage-big-files-'));
    await cp(demoFiles(), files, { recursive: true });
    const attachments = join(files, 'acme', 'attachments');
    const [first] = (await readdir(attachments)).sort();
    await writeFile(join(attachments, first!), randomBytes(48 * 1024 * 1024));
    server = await startServer(
      {},
      { logStream: logs.stream, platform: { sourceUrl: demoDatabase(), filesDir: files } },
    );
    key = server.keys.acme!;
    const created = await portageClient(server.baseUrl, key).POST('/v1/exports', {
      body: { purpose: 'migration', categories: ['attachments'], formats: ['json'] },
    });
    exported = await waitForExport(server.baseUrl, key, String(created.data!.id));
    expect(exported.status).toBe('completed');
    expect((exported.file as { bytes: number }).bytes).toBeGreaterThan(48 * 1024 * 1024);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await rm(files, { recursive: true, force: true });
  });

  it('is logged as closed early at info level, closes the archive, and the next download is whole', async () => {
    const path = `/v1/exports/${String(exported.id)}/download`;
    await abandonDownload(server.baseUrl, path, key, 1024 * 1024);
    const abandoned = () =>
      logs
        .lines()
        .filter((l) => String((l.req as { url?: string } | undefined)?.url).endsWith('/download'))
        .map((l) => l.reqId)[0];
    await logged(() => abandoned() !== undefined);
    const lines = () => logs.lines().filter((l) => l.reqId === abandoned());
    await logged(() => lines().some((l) => l.msg === 'stream closed prematurely'));
    expect(lines().map((l) => [l.level, l.msg])).toEqual([
      [30, 'incoming request'],
      [30, 'stream closed prematurely'],
    ]);
    // The archive's file is closed once the client is gone (fastify destroys the stream).
    const archives = join(server.dataDir, 'archives');
    const deadline = Date.now() + 10_000;
    while ((await openFilesUnder(archives)).length > 0) {
      if (Date.now() > deadline) throw new Error('the abandoned archive is still open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const whole = await fetch(new URL(path, server.baseUrl), {
      headers: { authorization: `Bearer ${key}` },
    });
    const bytes = Buffer.from(await whole.arrayBuffer());
    const file = exported.file as { sha256: string };
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    expect(logs.lines().filter((l) => Number(l.level) >= 40)).toEqual([]);
  });
});
