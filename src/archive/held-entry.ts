import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { EntryEncoder } from './entry-encoder.js';
import type { DeflatedEntry } from './zip-writer.js';

/**
 * A zip entry's content held back until its name is known, deflated as it
 * comes: the first part of a data file is written as `data/<category>.<ext>`
 * when it turns out to be the whole file, as `data/<category>.part-00001.<ext>`
 * otherwise, and a zip entry's name comes before its content. Deflating,
 * checksumming and hashing run while the content is produced, as for any
 * entry; only the deflated bytes wait. Up to `memoryBytes` of them stay in
 * memory, the rest in a temporary file, so memory stays flat whatever the part size.
 */
export class HeldEntry {
  readonly #memoryBytes: number;
  readonly #encoder: EntryEncoder;
  #chunks: Buffer[] = [];
  #heldBytes = 0;
  #dir: string | null = null;
  #file: WriteStream | null = null;
  #fileError: Error | undefined;

  /**
   * @param memoryBytes - Deflated bytes kept in memory before the rest goes to a temporary file.
   * @param level - zlib deflate level, 1–9.
   */
  constructor(memoryBytes: number, level: number) {
    this.#memoryBytes = memoryBytes;
    this.#encoder = new EntryEncoder(level, {
      write: (chunk) => this.#hold(chunk),
      ready: () => this.#ready(),
    });
  }

  /** Takes `chunk` of the content. */
  add(chunk: Buffer): Promise<void> {
    return this.#encoder.write(chunk);
  }

  /** Ends the content: the entry, whose deflated bytes are to be read once. */
  async seal(): Promise<DeflatedEntry> {
    const sums = await this.#encoder.end();
    const file = this.#file;
    if (file === null) {
      const chunks = this.#chunks;
      this.#chunks = [];
      return { ...sums, content: chunks };
    }
    file.end();
    await finished(file);
    return { ...sums, content: createReadStream(file.path) as AsyncIterable<Buffer> };
  }

  /** Stops deflating and removes the temporary file, if any. */
  async dispose(): Promise<void> {
    this.#encoder.destroy(new Error('held entry disposed'));
    this.#chunks = [];
    this.#file?.destroy();
    if (this.#dir !== null) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }

  #hold(chunk: Buffer): void {
    this.#heldBytes += chunk.length;
    if (this.#file === null) this.#chunks.push(chunk);
    else this.#file.write(chunk);
  }

  #ready(): Promise<void> | undefined {
    if (this.#fileError !== undefined) return Promise.reject(this.#fileError);
    if (this.#file === null) {
      return this.#heldBytes > this.#memoryBytes ? this.#spill() : undefined;
    }
    return this.#file.writableNeedDrain
      ? once(this.#file, 'drain').then(() => undefined)
      : undefined;
  }

  /** Moves what is held in memory to a temporary file, where the rest then goes. */
  async #spill(): Promise<void> {
    this.#dir = await mkdtemp(join(tmpdir(), 'portage-part-'));
    const file = createWriteStream(join(this.#dir, 'held'));
    file.on('error', (error: Error) => {
      this.#fileError ??= error;
    });
    // Chunks deflate handed over while the directory was made are in memory too.
    const held = this.#chunks;
    this.#chunks = [];
    this.#file = file;
    for (const chunk of held) file.write(chunk);
    if (file.writableNeedDrain) await once(file, 'drain');
  }
}
