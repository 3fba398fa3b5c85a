import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCopyParser } from './binary-copy-parser.js';
import type { BinaryDecode } from './binary-values.js';
import type { RawValue } from '../types.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const asText: BinaryDecode = (buf, at, length) => buf.toString('utf8', at, at + length);

/** A binary COPY stream of rows of text values (null for NULL), with a header extension of `extension` bytes. */
function copyStream(rows: readonly (readonly (string | null)[])[], extension = 0): Buffer {
  const parts: Buffer[] = [SIGNATURE, Buffer.alloc(4)];
  const ext = Buffer.alloc(4);
  ext.writeUInt32BE(extension);
  parts.push(ext, Buffer.alloc(extension, 7));
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const value of row) {
      const length = Buffer.alloc(4);
      const bytes = value === null ? Buffer.alloc(0) : Buffer.from(value);
      length.writeInt32BE(value === null ? -1 : bytes.length);
      parts.push(length, bytes);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** Feeds `stream` to a parser cut at `cuts` (offsets), and returns the rows read. */
function parse(stream: Buffer, width: number, cuts: readonly number[]): RawValue[][] {
  const parser = new BinaryCopyParser(Array<BinaryDecode>(width).fill(asText));
  const rows: RawValue[][] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.write(stream.subarray(from, cut), rows);
    from = cut;
  }
  parser.write(stream.subarray(from), rows);
  parser.end();
  return rows;
}

describe('BinaryCopyParser', () => {
  it('reads the same rows whichever way the stream is cut into chunks', () => {
    const value = fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 4 })
          .chain((width) =>
            fc.tuple(
              fc.array(fc.array(value, { minLength: width, maxLength: width }), { maxLength: 30 }),
              fc.constant(width),
              fc.integer({ min: 0, max: 9 }),
            ),
          ),
        fc.array(fc.nat(), { maxLength: 40 }),
        ([rows, width, extension], offsets) => {
          const stream = copyStream(rows, extension);
          const cuts = offsets.map((o) => o % (stream.length + 1));
          expect(parse(stream, width, cuts)).toEqual(rows);
        },
      ),
    );
  });

  it('reads a stream fed one byte at a time', () => {
    const rows = [
      ['a', null, 'é日本'],
      ['', 'x'.repeat(1000), null],
    ];
    const stream = copyStream(rows);
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    expect(parse(stream, 3, cuts)).toEqual(rows);
  });

  it('refuses a stream without its signature, a row of another width, and a stream cut short', () => {
    const stream = copyStream([['a', 'b']]);
    expect(() => parse(Buffer.from(stream).fill(0, 0, 3), 2, [])).toThrow(/signature/);
    expect(() => parse(stream, 3, [])).toThrow(/2 fields where 3 were selected/);
    const parser = new BinaryCopyParser([asText, asText]);
    parser.write(stream.subarray(0, stream.length - 1), []);
    expect(() => parser.end()).toThrow(/ended before its end marker/);
  });
});
