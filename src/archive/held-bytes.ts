import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/**
 * Bytes held back until their archive name is known: the first part of a data
 * file is written as `data/<category>.<ext>` when it turns out to be the whole
 * file, as `data/<category>.part-00001.<ext>` otherwise, and a zip entry's name
 * comes before its content. Up to `memoryBytes` stay in memory; beyond that
 * everything goes to a temporary file, so memory stays flat whatever the part size.
 */
export class HeldBytes {
  readonly #memoryBytes: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #dir: string | null = null;
  #file: WriteStream | null = null;

  /** @param memoryBytes - Bytes kept in memory before the rest spills to a temporary file. */
  constructor(memoryBytes: number) {
    this.#memoryBytes = memoryBytes;
  }

  /** Bytes held so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Holds `chunk`, waiting for the temporary file to drain when it is used. */
  async add(chunk: Buffer): Promise<void> {
    this.#bytes += chunk.length;
    if (this.#file === null && this.#bytes <= this.#memoryBytes) {
      this.#chunks.push(chunk);
      return;
    }
    if (this.#file === null) {
      this.#dir = await mkdtemp(join(tmpdir(), 'portage-part-'));
      this.#file = createWriteStream(join(this.#dir, 'held'));
      const held = this.#chunks;
      this.#chunks = [];
      for (const piece of held) await this.#write(piece);
    }
    await this.#write(chunk);
  }

  /** Everything held, in order; read it once. */
  async *drain(): AsyncGenerator<Buffer> {
    if (this.#file === null) {
      const chunks = this.#chunks;
      this.#chunks = [];
      yield* chunks;
      return;
    }
    this.#file.end();
    await finished(this.#file);
    yield* createReadStream(this.#file.path) as AsyncIterable<Buffer>;
  }

  /** Removes the temporary file, if any. */
  async dispose(): Promise<void> {
    this.#chunks = [];
    this.#file?.destroy();
    if (this.#dir !== null) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }

  async #write(chunk: Buffer): Promise<void> {
    const file = this.#file!;
    if (!file.write(chunk)) await once(file, 'drain');
  }
}
