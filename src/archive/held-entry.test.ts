import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HeldEntry } from './held-entry.js';
import type { DeflatedEntry } from './zip-writer.js';

async function deflated(entry: DeflatedEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry.content) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `size` bytes of xorshift noise from `seed`. */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let state = seed * 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

const heldDirs = async () =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('portage-part-'));

describe('HeldEntry: a first part deflated and held until its name is known', () => {
  // Poorly compressible: deflate's output is about as large as its input. 5 MiB
  // is more than deflate is let take ahead, so its output starts before the end.
  const chunks = Array.from({ length: 80 }, (_, i) => noise(64 * 1024, i + 1));
  const all = Buffer.concat(chunks);
  const sums = {
    bytes: all.length,
    crc32: crc32(all),
    sha256: createHash('sha256').update(all).digest('hex'),
  };

  it('gives back the content deflated, with its size, CRC-32 and sha256, from memory while under its memory size', async () => {
    const held = new HeldEntry(all.length * 2, 1);
    for (const chunk of chunks) await held.add(chunk);
    const entry = await held.seal();
    expect(entry).toMatchObject(sums);
    const content = await deflated(entry);
    expect(content.length).toBe(entry.compressedBytes);
    expect(inflateRawSync(content).equals(all)).toBe(true);
    await held.dispose();
  });

  it('spills to a temporary file past its memory size, gives back the same entry, and removes the file', async () => {
    const before = await heldDirs();
    const held = new HeldEntry(64, 1);
    for (const chunk of chunks) await held.add(chunk);
    const spilled = (await heldDirs()).filter((name) => !before.includes(name));
    expect(spilled).toHaveLength(1);
    const entry = await held.seal();
    const content = await deflated(entry);
    expect(content.length).toBe(entry.compressedBytes);
    expect(inflateRawSync(content).equals(all)).toBe(true);
    await held.dispose();
    expect(existsSync(`${tmpdir()}/${spilled[0]}`)).toBe(false);
  });

  it('removes its temporary file when disposed before it is sealed', async () => {
    const before = await heldDirs();
    const held = new HeldEntry(64, 1);
    for (const chunk of chunks) await held.add(chunk);
    const spilled = (await heldDirs()).filter((name) => !before.includes(name));
    expect(spilled).toHaveLength(1);
    await held.dispose();
    expect(existsSync(`${tmpdir()}/${spilled[0]}`)).toBe(false);
  });
});
