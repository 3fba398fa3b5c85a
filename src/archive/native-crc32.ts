import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';

/** The slice of `buffer-crc32` that yazl calls for every entry. */
interface BufferCrc32 {
  unsigned(data: Buffer, previous?: number): number;
}

/**
 * yazl computes each entry's CRC-32 with `buffer-crc32`, a byte-at-a-time
 * JavaScript loop that costs as much as a tenth of an export's time. Node's
 * `zlib.crc32` computes the same checksum natively (the same polynomial,
 * continuing from `previous` alike), so yazl's copy of the module is pointed
 * at it once, when the zip writer loads.
 */
export function useNativeCrc32(): void {
  const yazl = createRequire(import.meta.url).resolve('yazl');
  const bufferCrc32 = createRequire(yazl)('buffer-crc32') as BufferCrc32;
  // zlib answers 0, its initial value, for an empty buffer without storage: keep `previous`.
  bufferCrc32.unsigned = (data, previous = 0) =>
    data.length === 0 ? previous >>> 0 : crc32(data, previous);
}
