import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { DigestStream, type ByteDigest } from './zip-digest-stream.js';
import { validateEntryPath } from './zip-entry-path.js';
import { toError } from '../errors/index.js';
import { ZipEntryError, ZipPathError } from './zip-errors.js';
import { ZipUtcDate } from './zip-utc-date.js';
import { useNativeCrc32 } from './native-crc32.js';

useNativeCrc32();

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

/** The content of an entry: a byte stream, or any async iterable of strings (UTF-8) and bytes. */
export type ZipEntrySource = Readable | AsyncIterable<string | Uint8Array>;

/** What was written for one entry, measured on its uncompressed bytes. */
export interface ZipEntryInfo extends ByteDigest {
  readonly path: string;
}

/**
 * Streams a zip archive into `output`, one entry after another, with flat memory
 * and back-pressure respected from `output` back to each entry's source.
 *
 * Entries get fixed metadata (the archive's `mtime`, mode `0644`), so the same
 * entries in the same order with the same `mtime` give byte-identical archives,
 * whatever the machine's time zone. The writer owns `output` and every source it
 * is given: on failure or {@link abort} all of them are destroyed, and the
 * caller discards what `output` received.
 */
export class ZipWriter {
  readonly #zip = new ZipFile();
  readonly #output: Writable;
  readonly #mtime: Date;
  readonly #forceZip64: boolean;
  readonly #archive: Promise<ByteDigest>;
  readonly #failed: Promise<never>;
  readonly #paths = new Set<string>();
  #rejectFailed: (error: Error) => void = () => undefined;
  #state: 'idle' | 'adding' | 'finishing' | 'finished' | 'failed' = 'idle';
  #failure: Error | undefined;
  #current: { readonly source: Readable; readonly digest: DigestStream } | undefined;

  constructor(output: Writable, options: ZipWriterOptions) {
    this.#output = output;
    this.#mtime = new ZipUtcDate(options.mtime.getTime());
    this.#forceZip64 = options.forceZip64 ?? false;
    this.#failed = new Promise<never>((_resolve, reject) => {
      this.#rejectFailed = reject;
    });
    this.#failed.catch(() => undefined);
    this.#zip.on('error', (caught: unknown) => this.#fail(toError(caught)));
    const digest = new DigestStream();
    this.#archive = pipeline(this.#zip.outputStream, digest, output).then(() => digest.digest());
    this.#archive.catch((caught: unknown) => this.#fail(toError(caught)));
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
    const readable =
      source instanceof Readable ? source : Readable.from(source, { objectMode: false });
    try {
      this.#assertCanAdd(path);
    } catch (caught) {
      readable.destroy();
      throw toError(caught);
    }
    this.#state = 'adding';
    this.#paths.add(path);
    const digest = new DigestStream();
    this.#current = { source: readable, digest };
    const consumed = new Promise<void>((resolve, reject) => {
      const entryOptions = {
        mtime: this.#mtime,
        mode: FILE_MODE,
        compressionLevel: options.compress === false ? 0 : (options.level ?? 6),
        forceZip64Format: this.#forceZip64,
      };
      this.#zip.addReadStreamLazy(path, entryOptions, (callback) => {
        callback(null, digest);
        Promise.all([pipeline(readable, digest), finished(digest)]).then(() => resolve(), reject);
      });
    });
    try {
      await Promise.race([consumed, this.#failed]);
    } catch (caught) {
      const error = this.#failure ?? new ZipEntryError(path, toError(caught));
      this.#fail(error);
      throw error;
    }
    this.#current = undefined;
    this.#state = 'idle';
    return { path, ...digest.digest() };
  }

  /** Adds an entry holding `content`; see {@link addStream}. */
  addBuffer(
    path: string,
    content: Uint8Array,
    options: ZipEntryOptions = {},
  ): Promise<ZipEntryInfo> {
    return this.addStream(path, Readable.from([content], { objectMode: false }), options);
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
    this.#zip.end({ forceZip64Format: this.#forceZip64, comment: '' });
    try {
      const digest = await this.#archive;
      this.#state = 'finished';
      return digest;
    } catch (caught) {
      throw this.#failure ?? toError(caught);
    }
  }

  /** Destroys the current source and `output`; pending and later calls reject with `reason`. No-op once finished. */
  abort(reason: unknown = new Error('archive aborted')): void {
    if (this.#state === 'finished') return;
    this.#fail(toError(reason));
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
    this.#current?.source.destroy(error);
    this.#current?.digest.destroy(error);
    (this.#zip.outputStream as Readable).destroy(error);
    // Without an error argument: the pipeline reports `error` once, from the zip side.
    this.#output.destroy();
  }
}
