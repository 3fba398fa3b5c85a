import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256sumsText } from './checksums.js';
import { ZipEntryError, ZipPathError } from './zip-errors.js';
import { readZip, run, sha256 } from './zip-test-support.js';
import { HeldEntry } from './held-entry.js';
import { ZipWriter, type DeflatedEntry, type ZipEntryInfo } from './zip-writer.js';

const mtime = new Date('2024-03-05T06:07:08.000Z');

/** A deterministic, poorly compressible multi-megabyte payload. */
function bigPayload(megabytes: number): Buffer {
  const out = Buffer.alloc(megabytes * 1024 * 1024);
  let state = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

const big = bigPayload(5);
const csv = 'id,name\r\n1,"Zoë, ""the"" first"\r\n2,日本語\r\n';
const expected: Record<string, Buffer> = {
  'manifest.json': Buffer.from('{"manifest_version":1}\n'),
  'data/tasks.csv': Buffer.from(csv),
  'data/empty.jsonl': Buffer.alloc(0),
  'data/überstunden – ñ.json': Buffer.from('{"records":[]}'),
  'attachments/日本/ファイル 1.bin': big,
  'schemas/tasks.schema.json': Buffer.from('{"type":"object"}'),
  'data/held.csv': Buffer.concat([Buffer.from(csv.repeat(5000)), big.subarray(0, 1024 * 1024)]),
};

/** `content` deflated before its entry is added, spilled to a file past 64 KiB. */
async function heldEntry(content: Buffer): Promise<DeflatedEntry> {
  const held = new HeldEntry(64 * 1024, 1);
  for await (const chunk of chunked(content, 100_000)) await held.add(chunk);
  const entry = await held.seal();
  const chunks: Buffer[] = [];
  for await (const chunk of entry.content) chunks.push(chunk);
  await held.dispose();
  return { ...entry, content: chunks };
}

async function* chunked(content: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < content.length; offset += size) {
    await Promise.resolve();
    yield content.subarray(offset, offset + size);
  }
}

/** Writes the fixture archive to `file` in a fixed order, mixing every kind of source. */
async function writeFixture(
  file: string,
  options: { forceZip64?: boolean } = {},
): Promise<{ entries: ZipEntryInfo[]; archive: { bytes: number; sha256: string } }> {
  const zip = new ZipWriter(createWriteStream(file), { mtime, ...options });
  const entries = [
    await zip.addBuffer('manifest.json', expected['manifest.json'] ?? Buffer.alloc(0)),
    await zip.addStream(
      'data/tasks.csv',
      (async function* () {
        for (const piece of csv.match(/.{1,7}/gsu) ?? []) yield await Promise.resolve(piece);
      })(),
    ),
    await zip.addStream('data/empty.jsonl', Readable.from([])),
    await zip.addStream('data/überstunden – ñ.json', Readable.from(['{"records":[]}']), {
      compress: false,
    }),
    await zip.addStream('attachments/日本/ファイル 1.bin', chunked(big, 65_536)),
    await zip.addBuffer('schemas/tasks.schema.json', Buffer.from('{"type":"object"}')),
    await zip.addDeflated('data/held.csv', await heldEntry(expected['data/held.csv']!)),
  ];
  return { entries, archive: await zip.finish() };
}

describe('ZipWriter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-zip-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an archive that unzip tests, extracts and sha256sum verifies', async () => {
    const file = join(dir, 'export.zip');
    const { entries, archive } = await writeFixture(file);

    const bytes = await readFile(file);
    expect(archive).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
    for (const entry of entries) {
      const content = expected[entry.path] ?? Buffer.alloc(1);
      expect(entry).toEqual({ path: entry.path, bytes: content.length, sha256: sha256(content) });
    }

    const test = await run('unzip', ['-t', file]);
    expect(test.stdout).toMatch(/No errors detected/);
    const out = join(dir, 'extracted');
    await mkdir(out);
    await run('unzip', ['-q', file, '-d', out]);
    await writeFile(join(out, 'SHA256SUMS'), sha256sumsText(entries));
    const check = await run('sha256sum', ['--strict', '-c', 'SHA256SUMS'], out);
    expect(check.stdout.trim().split('\n')).toHaveLength(Object.keys(expected).length);
    expect(check.stdout).not.toMatch(/FAILED/);
    expect((await readFile(join(out, 'attachments/日本/ファイル 1.bin'))).equals(big)).toBe(true);
  });

  it('reads back with yauzl: same paths in order, same bytes, fixed mtime and mode', async () => {
    const file = join(dir, 'yauzl.zip');
    await writeFixture(file);
    const entries = await readZip(file);
    expect(entries.map((e) => e.path)).toEqual(Object.keys(expected));
    for (const entry of entries) {
      expect(entry.content.equals(expected[entry.path] ?? Buffer.alloc(1))).toBe(true);
      expect(entry.mtime.toISOString()).toBe(mtime.toISOString());
      expect(entry.mode).toBe(0o100644);
    }
  });

  it('gives byte-identical archives for the same inputs, whatever the time zone', async () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const first = await writeFixture(join(dir, 'first.zip'));
      process.env.TZ = 'Pacific/Kiritimati';
      const second = await writeFixture(join(dir, 'second.zip'));
      expect(second.archive).toEqual(first.archive);
      const [a, b] = await Promise.all(
        ['first.zip', 'second.zip'].map((f) => readFile(join(dir, f))),
      );
      expect(a?.equals(b ?? Buffer.alloc(0))).toBe(true);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('writes ZIP64 records on request and unzip still reads them', async () => {
    const file = join(dir, 'zip64.zip');
    await writeFixture(file, { forceZip64: true });
    const bytes = await readFile(file);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect((await run('unzip', ['-t', file])).stdout).toMatch(/No errors detected/);
    const entries = await readZip(file);
    expect(entries.find((e) => e.path.endsWith('.bin'))?.content.equals(big)).toBe(true);
  });

  it('uses no ZIP64 records when the archive is small', async () => {
    const file = join(dir, 'small.zip');
    await writeFixture(file);
    expect((await readFile(file)).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
  });

  it.each(['../escape', '/abs', 'a//b', 'dir/', 'a\\b', './a', 'line\nbreak', ''])(
    'refuses the path %j and stays usable',
    async (path) => {
      const sink = new PassThrough();
      sink.resume();
      const zip = new ZipWriter(sink, { mtime });
      await expect(zip.addBuffer(path, Buffer.from('x'))).rejects.toBeInstanceOf(ZipPathError);
      await zip.addBuffer('ok.txt', Buffer.from('x'));
      await expect(zip.finish()).resolves.toMatchObject({ bytes: expect.any(Number) as number });
    },
  );

  it('refuses a path already in the archive', async () => {
    const sink = new PassThrough();
    sink.resume();
    const zip = new ZipWriter(sink, { mtime });
    await zip.addBuffer('a.txt', Buffer.from('1'));
    await expect(zip.addBuffer('a.txt', Buffer.from('2'))).rejects.toThrow(
      /already in the archive/,
    );
    await zip.finish();
  });

  it('refuses an entry added before the previous one completed', async () => {
    const sink = new PassThrough();
    sink.resume();
    const zip = new ZipWriter(sink, { mtime });
    const first = zip.addStream('a.txt', chunked(Buffer.alloc(1_000_000), 1000));
    await expect(zip.addBuffer('b.txt', Buffer.from('x'))).rejects.toThrow(/await the previous/);
    await first;
    await zip.finish();
  });

  it('rejects the entry and the archive when a source fails part way', async () => {
    const output = new PassThrough();
    output.resume();
    const zip = new ZipWriter(output, { mtime });
    await zip.addBuffer('manifest.json', Buffer.from('{}'));
    const failing = (async function* () {
      yield 'id,name\r\n';
      await Promise.resolve();
      throw new Error('connection reset by peer');
    })();
    const added = zip.addStream('data/tasks.csv', failing);
    await expect(added).rejects.toBeInstanceOf(ZipEntryError);
    await expect(added).rejects.toThrow(/data\/tasks\.csv.*connection reset by peer/);
    await expect(zip.finish()).rejects.toThrow(/connection reset by peer/);
    await expect(zip.addBuffer('more.txt', Buffer.from('x'))).rejects.toThrow(/connection reset/);
    expect(output.destroyed).toBe(true);
  });

  it('rejects a deflated entry whose content is not as long as announced', async () => {
    const output = new PassThrough();
    output.resume();
    const zip = new ZipWriter(output, { mtime });
    const entry = await heldEntry(Buffer.from(csv));
    const short = { ...entry, compressedBytes: entry.compressedBytes + 1 };
    const added = zip.addDeflated('data/held.csv', short);
    await expect(added).rejects.toBeInstanceOf(ZipEntryError);
    await expect(added).rejects.toThrow(/data\/held\.csv.*were announced/);
    await expect(zip.finish()).rejects.toThrow(/were announced/);
  });

  it('rejects everything when the output fails', async () => {
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const zip = new ZipWriter(output, { mtime });
    await expect(zip.addStream('a.bin', chunked(big, 65_536))).rejects.toThrow(/disk full/);
    await expect(zip.finish()).rejects.toThrow(/disk full/);
  });

  it('destroys the source and the output on abort', async () => {
    const output = new PassThrough();
    output.resume();
    const source = new PassThrough();
    source.write('partial');
    const zip = new ZipWriter(output, { mtime });
    const added = zip.addStream('data/a.csv', source);
    zip.abort(new Error('export canceled'));
    await expect(added).rejects.toThrow(/export canceled/);
    await expect(zip.finish()).rejects.toThrow(/export canceled/);
    expect(source.destroyed).toBe(true);
    expect(output.destroyed).toBe(true);
  });
});
