import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { crc32, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import type { ByteDigest } from './zip-digest-stream.js';

/** What a zip entry records of its content, and its sha256. */
export interface EntrySums extends ByteDigest {
  readonly crc32: number;
  /** Size of the entry's data as stored: deflated, or equal to `bytes` when stored. */
  readonly compressedBytes: number;
}

/** Where an {@link EntryEncoder} puts an entry's data as it is to be stored. */
export interface EntrySink {
  /** Takes `chunk` now. */
  write(chunk: Buffer): void;
  /** Resolves once the sink wants more; `undefined` when it does already. */
  ready(): Promise<void> | undefined;
}

/**
 * Input handed to deflate at once. Each write is one trip to zlib's thread
 * and back, and the way back needs the main thread's event loop, which turns
 * only between a source's batches: written a record chunk at a time, deflate
 * fell behind, and the writer waited for it with nothing to do (0.48 s of a
 * 3 s SQLite export). Deflate's output does not depend on how its input is cut.
 */
const DEFLATE_WRITE_BYTES = 1024 * 1024;

/** Output buffer of deflate: a whole {@link DEFLATE_WRITE_BYTES} of text usually deflates into one. */
const DEFLATE_CHUNK_BYTES = 256 * 1024;

/**
 * Input deflate accepts before the writer waits: the caller encodes the next
 * chunks on the main thread while zlib compresses these on its own.
 */
const DEFLATE_AHEAD_BYTES = 2 * DEFLATE_WRITE_BYTES;

/**
 * Turns one entry's content into its stored bytes, deflated or as is, measuring
 * on the way what its zip records need (CRC-32, both sizes) and its sha256.
 * Deflating runs on zlib's thread while the caller produces the next chunks.
 */
export class EntryEncoder {
  readonly #sink: EntrySink;
  readonly #deflate: DeflateRaw | undefined;
  readonly #hash = createHash('sha256');
  #crc32 = 0;
  #bytes = 0;
  #compressedBytes = 0;
  #error: Error | undefined;
  /** Input gathered for deflate's next write. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  /** @param level - zlib deflate level, 1–9; 0 stores the content as is. */
  constructor(level: number, sink: EntrySink) {
    this.#sink = sink;
    if (level === 0) return;
    this.#deflate = createDeflateRaw({ level, chunkSize: DEFLATE_CHUNK_BYTES });
    this.#deflate.on('data', (chunk: Buffer) => {
      this.#compressedBytes += chunk.length;
      sink.write(chunk);
    });
    this.#deflate.on('error', (error: Error) => {
      this.#error ??= error;
    });
  }

  /** The zip compression method: 8 (deflate) or 0 (stored). */
  get method(): 0 | 8 {
    return this.#deflate === undefined ? 0 : 8;
  }

  /** Takes `chunk`, resolving once zlib and the sink are ready for more. */
  async write(chunk: Buffer): Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    if (chunk.length === 0) return;
    this.#hash.update(chunk);
    this.#crc32 = crc32(chunk, this.#crc32);
    this.#bytes += chunk.length;
    if (this.#deflate === undefined) {
      this.#compressedBytes += chunk.length;
      this.#sink.write(chunk);
    } else {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      if (this.#pendingBytes >= DEFLATE_WRITE_BYTES && !this.#flushPending(this.#deflate)) {
        // Past its own small buffer, deflate is left a few writes to work on.
        await once(this.#deflate, 'drain');
      }
    }
    await this.#sink.ready();
  }

  /** Writes the gathered input to deflate; false once deflate holds more than it should. */
  #flushPending(deflate: DeflateRaw): boolean {
    if (this.#pendingBytes === 0) return true;
    const input =
      this.#pending.length === 1
        ? this.#pending[0]!
        : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    return deflate.write(input) || deflate.writableLength <= DEFLATE_AHEAD_BYTES;
  }

  /** Flushes deflate into the sink and answers the entry's sums. */
  async end(): Promise<EntrySums> {
    if (this.#deflate !== undefined) {
      this.#flushPending(this.#deflate);
      this.#deflate.end();
      await finished(this.#deflate);
    }
    return {
      crc32: this.#crc32,
      bytes: this.#bytes,
      compressedBytes: this.#compressedBytes,
      sha256: this.#hash.digest('hex'),
    };
  }

  /** Stops deflate; nothing more reaches the sink. */
  destroy(error: Error): void {
    this.#pending = [];
    this.#deflate?.removeAllListeners('data');
    this.#deflate?.destroy(error);
  }
}
