import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { toError } from '../errors/index.js';
import { EntryEncoder, type EntrySink, type EntrySums } from './entry-encoder.js';
import type { ByteDigest } from './zip-digest-stream.js';
import { validateEntryPath } from './zip-entry-path.js';
import { ZipEntryError, ZipPathError } from './zip-errors.js';
import {
  centralRecord,
  dataDescriptor,
  endOfArchive,
  entryNeedsZip64,
  entryTimes,
  localHeader,
  type EntryRecord,
  type EntryTimes,
} from './zip-records.js';

/** Unix mode of every entry: a regular file, `rw-r--r--`. */
const FILE_MODE = 0o100644;

/** Options of a {@link ZipWriter}. */
export interface ZipWriterOptions {
  /** Modification time stamped on every entry, so that equal inputs give equal bytes. */
  readonly mtime: Date;
  /**
   * Write ZIP64 records for every entry and for the end of the archive even when
   * not needed, to exercise readers. (Default: false; ZIP64 is then used exactly
   * where an entry or the archive exceeds the classic limits)
   */
  readonly forceZip64?: boolean;
}

/** Options of one entry. */
export interface ZipEntryOptions {
  /** Deflate the entry; `false` stores it as is. (Default: true) */
  readonly compress?: boolean;
  /**
   * zlib deflate level of a compressed entry, 1 (fastest) to 9 (smallest). The
   * level changes the compressed bytes only: the entry's content, size and
   * CRC-32 stay the same. (Default: 6)
   */
  readonly level?: number;
}

/** The content of an entry: a byte stream, or any iterable of strings (UTF-8) and bytes. */
export type ZipEntrySource =
  Readable | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** What was written for one entry, measured on its uncompressed bytes. */
export interface ZipEntryInfo extends ByteDigest {
  readonly path: string;
}

/** An entry whose content was deflated before its name was known (see `HeldEntry`). */
export interface DeflatedEntry extends EntrySums {
  /** The deflated bytes, `compressedBytes` of them, in order; read once. */
  readonly content: AsyncIterable<Buffer> | Iterable<Buffer>;
}

/**
 * Streams a zip archive into `output`, one entry after another, with flat memory
 * and back-pressure respected from `output` back to each entry's source.
 *
 * Entries get fixed metadata (the archive's `mtime`, mode `0644`), so the same
 * entries in the same order with the same `mtime` give byte-identical archives,
 * whatever the machine's time zone. A streamed entry's CRC-32 and sizes follow
 * its data in a data descriptor; an entry deflated beforehand carries them in
 * its local header. The writer owns `output` and every source it is given: on
 * failure or {@link abort} all of them are destroyed, and the caller discards
 * what `output` received.
 */
export class ZipWriter {
  readonly #output: Writable;
  readonly #times: EntryTimes;
  readonly #forceZip64: boolean;
  readonly #hash = createHash('sha256');
  readonly #records: EntryRecord[] = [];
  readonly #paths = new Set<string>();
  readonly #failed: Promise<never>;
  readonly #sink: EntrySink = {
    write: (chunk) => this.#emit(chunk),
    ready: () => this.#ready(),
  };
  #rejectFailed: (error: Error) => void = () => undefined;
  #offset = 0;
  #state: 'idle' | 'adding' | 'finishing' | 'finished' | 'failed' = 'idle';
  #failure: Error | undefined;
  /** Stops the entry being added: its source and its encoder. */
  #stopCurrent: ((error: Error) => void) | undefined;

  constructor(output: Writable, options: ZipWriterOptions) {
    this.#output = output;
    this.#times = entryTimes(options.mtime);
    this.#forceZip64 = options.forceZip64 ?? false;
    this.#failed = new Promise<never>((_resolve, reject) => {
      this.#rejectFailed = reject;
    });
    this.#failed.catch(() => undefined);
    output.on('error', (error: Error) => this.#fail(error));
  }

  /**
   * Adds an entry whose content is read from `source`, and resolves once all of
   * it has been consumed. Await it before adding the next entry.
   *
   * @throws ZipPathError for an unsafe or duplicate path (the archive stays usable).
   * @throws ZipEntryError when `source` fails; the archive is then unusable and
   * {@link finish} rejects.
   */
  async addStream(
    path: string,
    source: ZipEntrySource,
    options: ZipEntryOptions = {},
  ): Promise<ZipEntryInfo> {
    try {
      this.#assertCanAdd(path);
    } catch (caught) {
      if (source instanceof Readable) source.destroy();
      throw toError(caught);
    }
    const level = options.compress === false ? 0 : (options.level ?? 6);
    return this.#add(path, async (name, offset) => {
      const encoder = new EntryEncoder(level, this.#sink);
      const chunks: AsyncIterator<string | Uint8Array> | Iterator<string | Uint8Array> =
        Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
      this.#stopCurrent = (error) => {
        encoder.destroy(error);
        if (source instanceof Readable) source.destroy(error);
        else void Promise.resolve(chunks.return?.()).catch(() => undefined);
      };
      this.#emit(localHeader(name, encoder.method, this.#times));
      for (;;) {
        const next = await chunks.next();
        if (next.done === true) break;
        await encoder.write(asBuffer(next.value));
      }
      const sums = await encoder.end();
      const zip64 = this.#forceZip64 || entryNeedsZip64(sums.bytes, sums.compressedBytes, offset);
      const record = { ...sums, name, method: encoder.method, offset, described: true, zip64 };
      this.#emit(dataDescriptor(record));
      return { record, sha256: sums.sha256 };
    });
  }

  /** Adds an entry holding `content`; see {@link addStream}. */
  addBuffer(
    path: string,
    content: Uint8Array,
    options: ZipEntryOptions = {},
  ): Promise<ZipEntryInfo> {
    return this.addStream(path, [content], options);
  }

  /**
   * Adds an entry whose content was deflated beforehand, copying its deflated
   * bytes; see {@link addStream}.
   *
   * @throws ZipEntryError when its content fails or is not `compressedBytes` long.
   */
  async addDeflated(path: string, entry: DeflatedEntry): Promise<ZipEntryInfo> {
    this.#assertCanAdd(path);
    return this.#add(path, async (name, offset) => {
      const { content } = entry;
      const chunks =
        Symbol.asyncIterator in content
          ? content[Symbol.asyncIterator]()
          : content[Symbol.iterator]();
      this.#stopCurrent = () => void Promise.resolve(chunks.return?.()).catch(() => undefined);
      const zip64 = this.#forceZip64 || entryNeedsZip64(entry.bytes, entry.compressedBytes, offset);
      this.#emit(localHeader(name, 8, this.#times, entry, zip64));
      let copied = 0;
      for (;;) {
        const next = await chunks.next();
        if (next.done === true) break;
        copied += next.value.length;
        this.#emit(next.value);
        await this.#ready();
      }
      if (copied !== entry.compressedBytes) {
        throw new Error(`${copied} deflated bytes where ${entry.compressedBytes} were announced`);
      }
      const { crc32, bytes, compressedBytes, sha256 } = entry;
      const record = { name, method: 8 as const, crc32, bytes, compressedBytes, offset, zip64 };
      return { record: { ...record, described: false }, sha256 };
    });
  }

  /**
   * Writes the central directory and ends `output`. Resolves with the size and
   * sha256 of the whole archive once `output` has finished (and, for a file, closed).
   *
   * @throws the error that made the archive unusable, if any.
   */
  async finish(): Promise<ByteDigest> {
    if (this.#failure) throw this.#failure;
    if (this.#state !== 'idle') throw new Error(`cannot finish the archive while ${this.#state}`);
    this.#state = 'finishing';
    const directoryOffset = this.#offset;
    this.#emit(
      Buffer.concat(this.#records.map((record) => centralRecord(record, this.#times, FILE_MODE))),
    );
    this.#emit(
      endOfArchive(
        this.#records.length,
        directoryOffset,
        this.#offset - directoryOffset,
        this.#forceZip64,
      ),
    );
    this.#output.end();
    try {
      await Promise.race([finished(this.#output), this.#failed]);
    } catch (caught) {
      const error = this.#failure ?? toError(caught);
      this.#fail(error);
      throw error;
    }
    this.#state = 'finished';
    return { bytes: this.#offset, sha256: this.#hash.digest('hex') };
  }

  /** Destroys the current source and `output`; pending and later calls reject with `reason`. No-op once finished. */
  abort(reason: unknown = new Error('archive aborted')): void {
    if (this.#state === 'finished') return;
    this.#fail(toError(reason));
  }

  /** Writes one entry with `write`, which answers its central record once its data is out. */
  async #add(
    path: string,
    write: (name: Buffer, offset: number) => Promise<{ record: EntryRecord; sha256: string }>,
  ): Promise<ZipEntryInfo> {
    this.#state = 'adding';
    this.#paths.add(path);
    try {
      const written = write(Buffer.from(path), this.#offset);
      const { record, sha256 } = await Promise.race([written, this.#failed]);
      this.#records.push(record);
      this.#state = 'idle';
      return { path, bytes: record.bytes, sha256 };
    } catch (caught) {
      const error = this.#failure ?? new ZipEntryError(path, toError(caught));
      this.#fail(error);
      throw error;
    } finally {
      this.#stopCurrent = undefined;
    }
  }

  #emit(chunk: Buffer): void {
    if (this.#failure !== undefined || chunk.length === 0) return;
    this.#hash.update(chunk);
    this.#offset += chunk.length;
    this.#output.write(chunk);
  }

  #ready(): Promise<void> | undefined {
    if (this.#failure !== undefined) return this.#failed;
    if (!this.#output.writableNeedDrain) return undefined;
    return Promise.race([once(this.#output, 'drain').then(() => undefined), this.#failed]);
  }

  #assertCanAdd(path: string): void {
    if (this.#failure) throw this.#failure;
    if (this.#state === 'adding') {
      throw new Error(`cannot add ${path}: await the previous entry before adding the next`);
    }
    if (this.#state !== 'idle')
      throw new Error(`cannot add ${path}: the archive is ${this.#state}`);
    validateEntryPath(path);
    if (this.#paths.has(path)) throw new ZipPathError(path, 'already in the archive');
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#state = 'failed';
    this.#rejectFailed(error);
    this.#stopCurrent?.(error);
    // Without an error argument: the failure is reported once, by the writer's own calls.
    this.#output.destroy();
  }
}

function asBuffer(chunk: string | Uint8Array): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
