import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ZipWriter } from './zip-writer.js';

const MB = 1024 * 1024;
const mtime = new Date('2024-01-01T00:00:00.000Z');
const line = Buffer.from('42,"a task title, with a comma",2024-01-01T00:00:00.000Z,done\r\n');
const template = Buffer.alloc(64 * 1024, line);

/** Yields `total` bytes as fresh 64 KiB buffers, so that buffering them would show in memory. */
async function* generated(total: number, onChunk: (bytes: number) => void): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += template.length) {
    const chunk = Buffer.from(template.subarray(0, Math.min(template.length, total - sent)));
    onChunk(chunk.length);
    yield await Promise.resolve(chunk);
  }
}

function expectedSha256(total: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < total; sent += template.length) {
    hash.update(template.subarray(0, Math.min(template.length, total - sent)));
  }
  return hash.digest('hex');
}

/** A sink that drops what it gets, optionally acknowledging each chunk only on a later turn. */
function sink(options: { slow: boolean; onWrite?: (bytes: number) => void }): Writable {
  return new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      options.onWrite?.(chunk.length);
      if (options.slow) setImmediate(callback);
      else callback();
    },
  });
}

describe('ZipWriter memory', () => {
  it('streams a 200 MB entry with bounded memory', async () => {
    const total = 200 * MB;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const zip = new ZipWriter(sink({ slow: false }), { mtime });
    const info = await zip.addStream(
      'data/tasks.csv',
      generated(total, () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }),
    );
    const archive = await zip.finish();

    expect(info).toEqual({ path: 'data/tasks.csv', bytes: total, sha256: expectedSha256(total) });
    expect(archive.bytes).toBeLessThan(total / 10);
    expect(peak - baseline).toBeLessThan(100 * MB);
  });

  it('reads the source no faster than the output accepts the archive', async () => {
    const total = 64 * MB;
    let pulled = 0;
    let written = 0;
    let maxAhead = 0;
    const output = sink({ slow: true, onWrite: (bytes) => (written += bytes) });
    const zip = new ZipWriter(output, { mtime });
    await zip.addStream(
      'attachments/big.bin',
      generated(total, (bytes) => {
        pulled += bytes;
        maxAhead = Math.max(maxAhead, pulled - written);
      }),
      { compress: false },
    );
    await zip.finish();

    expect(pulled).toBe(total);
    expect(written).toBeGreaterThan(total);
    expect(maxAhead).toBeLessThan(4 * MB);
  });
});
