import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useNativeCrc32 } from './native-crc32.js';

interface BufferCrc32 {
  unsigned(data: Buffer, previous?: number): number;
  signed(data: Buffer, previous?: number): number;
}

describe('useNativeCrc32', () => {
  it("gives yazl's CRC-32 the same values as the JavaScript table it replaces", () => {
    useNativeCrc32();
    const yazl = createRequire(import.meta.url).resolve('yazl');
    const crc = createRequire(yazl)('buffer-crc32') as BufferCrc32;
    // The check value of CRC-32 (ISO-HDLC).
    expect(crc.unsigned(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc.unsigned(Buffer.alloc(0))).toBe(0);
    // An empty chunk mid-stream keeps the CRC so far (zlib alone would answer 0).
    expect(crc.unsigned(randomBytes(0), 0xcbf43926)).toBe(0xcbf43926);
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(i * 97);
      const previous = crc.unsigned(randomBytes(i + 1));
      // `signed` still runs the module's own table loop.
      expect(crc.unsigned(data)).toBe(crc.signed(data) >>> 0);
      expect(crc.unsigned(data, previous)).toBe(crc.signed(data, previous) >>> 0);
    }
  });
});
