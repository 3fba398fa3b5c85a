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

/** Output buffer of deflate: one callback from zlib's thread per 64 KiB out. */
const DEFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * Input deflate accepts before the writer waits: the caller encodes the next
 * chunks on the main thread while zlib compresses these on its own.
 */
const DEFLATE_AHEAD_BYTES = 1024 * 1024;

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
    } else if (!this.#deflate.write(chunk) && this.#deflate.writableLength > DEFLATE_AHEAD_BYTES) {
      // Past its own small buffer, deflate is left a few chunks to work on.
      await once(this.#deflate, 'drain');
    }
    await this.#sink.ready();
  }

  /** Flushes deflate into the sink and answers the entry's sums. */
  async end(): Promise<EntrySums> {
    if (this.#deflate !== undefined) {
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
    this.#deflate?.removeAllListeners('data');
    this.#deflate?.destroy(error);
  }
}
