/** Initial capacity of a {@link ByteWriter}. */
const INITIAL_CAPACITY = 64 * 1024;
/**
 * Texts shorter than this are copied by a JavaScript loop while they are
 * ASCII: for short texts that is faster than a call into `Buffer#write`.
 */
const SHORT_TEXT = 64;

/**
 * A growable byte buffer that encoders write records into, so that an
 * export's data is encoded once, straight into bytes, instead of being built
 * as strings and converted chunk by chunk. Every text is written as
 * `Buffer.from(text)` would write it (UTF-8, a lone surrogate as U+FFFD), so
 * the bytes are those of the same texts concatenated and converted at once.
 *
 * {@link take} hands out what was written as a Buffer of its own and empties
 * the writer, whose memory is reused for the next chunk.
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

  /** Appends one byte (0–255). */
  byte(value: number): void {
    if (this.end === this.buffer.length) this.reserve(1);
    this.buffer[this.end++] = value;
  }

  /** Appends bytes. */
  bytes(bytes: Uint8Array): void {
    const count = bytes.length;
    this.reserve(count);
    const buffer = this.buffer;
    let end = this.end;
    if (count < SHORT_TEXT) {
      for (let i = 0; i < count; i++) buffer[end++] = bytes[i]!;
    } else {
      buffer.set(bytes, end);
      end += count;
    }
    this.end = end;
  }

  /** Appends `text` as UTF-8, exactly as `Buffer.from(text)` encodes it. */
  text(text: string): void {
    const count = text.length;
    this.reserve(count * 3);
    const buffer = this.buffer;
    let end = this.end;
    if (count < SHORT_TEXT) {
      for (let i = 0; i < count; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) {
          end += buffer.write(i === 0 ? text : text.slice(i), end, 'utf8');
          break;
        }
        buffer[end++] = code;
      }
    } else {
      end += buffer.write(text, end, 'utf8');
    }
    this.end = end;
  }

  /** Appends `text` as a JSON string, exactly as `Buffer.from(JSON.stringify(text))` would. */
  jsonString(text: string): void {
    const count = text.length;
    if (count >= SHORT_TEXT) {
      this.text(JSON.stringify(text));
      return;
    }
    this.reserve(count + 2);
    const buffer = this.buffer;
    const start = this.end;
    let end = start;
    buffer[end++] = 0x22;
    for (let i = 0; i < count; i++) {
      const code = text.charCodeAt(i);
      // Control characters, `"` and `\` are escaped, anything else non-ASCII is left to the general path.
      if (code < 0x20 || code >= 0x80 || code === 0x22 || code === 0x5c) {
        this.end = start;
        this.text(JSON.stringify(text));
        return;
      }
      buffer[end++] = code;
    }
    buffer[end++] = 0x22;
    this.end = end;
  }

  /** What was written since the last call, as a new Buffer; the writer is then empty. */
  take(): Buffer {
    const taken = Buffer.allocUnsafe(this.end);
    this.buffer.copy(taken, 0, 0, this.end);
    this.end = 0;
    return taken;
  }

  /** Makes room for `count` more bytes. */
  private reserve(count: number): void {
    const needed = this.end + count;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }
}
