import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HeldBytes } from './held-bytes.js';

async function drained(held: HeldBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of held.drain()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const heldDirs = async () =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('portage-part-'));

describe('HeldBytes: a first part held until its name is known', () => {
  const chunks = Array.from({ length: 40 }, (_, i) => Buffer.from(`row ${i} `.repeat(i + 1)));
  const all = Buffer.concat(chunks);

  it('gives back every byte in order, from memory while under its memory size', async () => {
    const held = new HeldBytes(all.length);
    for (const chunk of chunks) await held.add(chunk);
    expect(held.bytes).toBe(all.length);
    expect((await drained(held)).equals(all)).toBe(true);
    await held.dispose();
  });

  it('spills to a temporary file past its memory size, gives back the same bytes, and removes the file', async () => {
    const before = await heldDirs();
    const held = new HeldBytes(64);
    for (const chunk of chunks) await held.add(chunk);
    const spilled = (await heldDirs()).filter((name) => !before.includes(name));
    expect(spilled).toHaveLength(1);
    expect((await drained(held)).equals(all)).toBe(true);
    await held.dispose();
    expect(existsSync(`${tmpdir()}/${spilled[0]}`)).toBe(false);
  });
});
