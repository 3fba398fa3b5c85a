import type { RawValue } from '../types.js';
import type { BinaryDecode } from './binary-values.js';

/** The 11 bytes every binary `COPY` stream starts with: `PGCOPY\n\377\r\n\0`. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** The signature, the flags (int32) and the length of the header extension (int32). */
const HEADER_BYTES = SIGNATURE.length + 8;

/**
 * Reads the rows of PostgreSQL's binary `COPY … TO STDOUT (FORMAT binary)`
 * stream, in chunks cut anywhere, each value decoded from its binary form by
 * its column's decoder (a NULL as `null`).
 *
 * The stream: a header (signature, flags, extension), then per row an int16
 * count of fields and per field an int32 length (-1 for NULL) and that many
 * bytes, then an int16 of -1. A row cut by the end of a chunk is read again
 * once the chunks that complete it have arrived, so each byte is copied at
 * most once more whatever the chunks' sizes.
 */
export class BinaryCopyParser {
  private readonly decoders: readonly BinaryDecode[];
  private state: 'header' | 'rows' | 'done' = 'header';
  /** Bytes of an incomplete header or row, waiting for more. */
  private rest: Buffer | null = null;
  /** Chunks received since, and their bytes. */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  /** Bytes the incomplete header or row needs at least, counted from its start. */
  private need = 0;

  /** @param decoders - One per column, in the order the `COPY`'s query selects them. */
  constructor(decoders: readonly BinaryDecode[]) {
    this.decoders = decoders;
  }

  /**
   * Reads what `chunk` completes, appending each complete row to `rows`.
   * @throws Error when the stream is not a binary `COPY` of the expected columns.
   */
  write(chunk: Buffer, rows: RawValue[][]): void {
    let buf = chunk;
    if (this.rest !== null) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      if (this.rest.length + this.waitingBytes < this.need) return;
      buf = Buffer.concat([this.rest, ...this.waiting]);
      this.rest = null;
      this.waiting = [];
      this.waitingBytes = 0;
    }
    let at = 0;
    if (this.state === 'header') {
      at = this.header(buf);
      if (at < 0) return this.wait(buf, 0, -at);
    }
    const width = this.decoders.length;
    const end = buf.length;
    while (at < end) {
      if (this.state === 'done') throw new Error('binary COPY data continues after its end');
      if (end - at < 2) return this.wait(buf, at, 2);
      const count = (buf[at]! << 8) | buf[at + 1]!;
      if (count === 0xffff) {
        this.state = 'done';
        at += 2;
        continue;
      }
      if (count !== width) {
        throw new Error(`binary COPY row has ${count} fields where ${width} were selected`);
      }
      const row = new Array<RawValue>(width);
      let p = at + 2;
      for (let i = 0; i < width; i++) {
        if (end - p < 4) return this.wait(buf, at, p + 4 - at);
        // Read by hand: Buffer's readInt32BE checks its arguments on every call.
        const length = (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
        p += 4;
        if (length === -1) {
          row[i] = null;
          continue;
        }
        if (end - p < length) return this.wait(buf, at, p + length - at);
        row[i] = this.decoders[i]!(buf, p, length);
        p += length;
      }
      rows.push(row);
      at = p;
    }
  }

  /**
   * Checks that the stream ended where it should, after its end marker.
   * @throws Error otherwise.
   */
  end(): void {
    if (this.state !== 'done' || this.rest !== null) {
      throw new Error('binary COPY data ended before its end marker');
    }
  }

  /** Reads the header at the start of `buf`: the offset after it, or minus the bytes it needs. */
  private header(buf: Buffer): number {
    if (buf.length < HEADER_BYTES) return -HEADER_BYTES;
    if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
      throw new Error('not a binary COPY stream: its signature is missing');
    }
    const extension = buf.readUInt32BE(SIGNATURE.length + 4);
    const length = HEADER_BYTES + extension;
    if (buf.length < length) return -length;
    this.state = 'rows';
    return length;
  }

  private wait(buf: Buffer, from: number, need: number): void {
    this.rest = buf.subarray(from);
    this.need = need;
  }
}
