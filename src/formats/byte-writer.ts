/** Initial capacity of a {@link ByteWriter}. */
const INITIAL_CAPACITY = 64 * 1024;

/**
 * A growable byte buffer that an export writes its records into, one record's
 * text at a time, so that no string longer than a record is ever built: the
 * texts of many records joined with `+=` form a rope that V8 must flatten
 * before converting it, and that flattening was the largest cost of an export.
 *
 * Texts are written as `Buffer.from(text)` writes them (UTF-8, a lone
 * surrogate as U+FFFD), so the bytes equal those of all the texts joined and
 * converted at once, as long as no text ends inside a surrogate pair that the
 * next completes. {@link take} hands out what was written as a Buffer of its
 * own and empties the writer, whose memory is reused for the next chunk.
 */
export class ByteWriter {
  private buffer: Buffer;
  private end = 0;

  /** @param capacity - Bytes reserved at first; the writer grows as needed. (Default: 64 KiB) */
  constructor(capacity = INITIAL_CAPACITY) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(capacity, 16));
  }

  /** Bytes written since the last {@link take}. */
  get length(): number {
    return this.end;
  }

  /** Appends `text` as UTF-8, exactly as `Buffer.from(text)` encodes it. */
  text(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a pair of them, 4).
    const needed = this.end + text.length * 3;
    if (needed > this.buffer.length) this.grow(needed);
    this.end += this.buffer.write(text, this.end, 'utf8');
  }

  /** Forgets what was written after the first `length` bytes (since the last {@link take}). */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.end) {
      throw new RangeError(`cannot truncate ${this.end} bytes to ${length}`);
    }
    this.end = length;
  }

  /** What was written since the last call, as a new Buffer; the writer is then empty. */
  take(): Buffer {
    const taken = Buffer.allocUnsafe(this.end);
    this.buffer.copy(taken, 0, 0, this.end);
    this.end = 0;
    return taken;
  }

  private grow(needed: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }
}
