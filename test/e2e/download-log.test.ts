import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, waitForExport } from '../support/http.js';
import { startServer, type TestServer } from '../support/portage-server.js';
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
    const created = await api(server.baseUrl, 'POST', '/v1/exports', {
      key,
      body: { purpose: 'migration', formats: ['json', 'csv'] },
    });
    exported = await waitForExport(server.baseUrl, key, String(created.body.id));
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
