import { stat } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { validateEntryPath } from '../archive/zip-entry-path.js';
import { nextZipEntry } from '../archive/zip-reader.js';
import { toError } from '../errors/index.js';
import { ImportRefusal } from './import-error.js';
import type { ImportLimits } from './import-limits.js';

/**
 * A bundle archive opened for reading, entries streamed straight from the zip
 * (nothing is extracted to disk). Opening checks every entry's raw path and the
 * limits on size and count; every read stops as soon as an entry inflates past
 * the size it declares, so the declared total bounds what any read can inflate.
 */
export class BundleArchive {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: ReadonlyMap<string, Entry>,
  ) {}

  /**
   * Opens `file` and reads its central directory.
   * @throws {@link ImportRefusal} `archive_too_large`, `unsafe_path` or `not_a_bundle`.
   */
  static async open(file: string, limits: ImportLimits): Promise<BundleArchive> {
    const { size } = await stat(file);
    if (size > limits.maxArchiveBytes) {
      throw new ImportRefusal(
        'archive_too_large',
        `The archive is ${size} bytes; the limit is ${limits.maxArchiveBytes}.`,
      );
    }
    let zip: ZipFile;
    try {
      zip = await yauzl.openPromise(file, {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        validateEntrySizes: false,
      });
    } catch (error) {
      throw new ImportRefusal('not_a_bundle', `Not a zip archive: ${toError(error).message}`);
    }
    // A late error also reaches the read in progress; this keeps it from crashing the process.
    zip.on('error', () => undefined);
    try {
      return new BundleArchive(zip, await readDirectory(zip, limits));
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** Paths of every file entry, in archive order. */
  paths(): string[] {
    return [...this.entries.keys()];
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  /** Uncompressed size the entry declares (what its reads are held to). */
  declaredSize(path: string): number {
    return this.entry(path).uncompressedSize;
  }

  /**
   * Streams the inflated bytes of one entry. The stream fails with
   * `archive_too_large` as soon as the entry inflates past its declared size.
   */
  async read(path: string): Promise<Readable> {
    const entry = this.entry(path);
    const raw = await this.zip.openReadStreamPromise(entry);
    const guard = new SizeGuard(path, entry.uncompressedSize);
    raw.on('error', (error) => guard.destroy(error));
    guard.on('close', () => raw.destroy());
    return raw.pipe(guard);
  }

  /** Reads one small entry whole (at most `max` bytes). */
  async readAll(path: string, max: number): Promise<Buffer> {
    if (this.declaredSize(path) > max) {
      throw new ImportRefusal('archive_too_large', `${path} is larger than ${max} bytes.`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(path)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.zip.close();
  }

  private entry(path: string): Entry {
    const entry = this.entries.get(path);
    if (entry === undefined) throw new ImportRefusal('not_a_bundle', `The archive has no ${path}.`);
    return entry;
  }
}

async function readDirectory(zip: ZipFile, limits: ImportLimits): Promise<Map<string, Entry>> {
  if (zip.entryCount > limits.maxEntries) {
    throw new ImportRefusal(
      'archive_too_large',
      `The archive holds ${zip.entryCount} entries; the limit is ${limits.maxEntries}.`,
    );
  }
  const entries = new Map<string, Entry>();
  let declared = 0;
  for (let entry = await nextEntry(zip); entry !== null; entry = await nextEntry(zip)) {
    const path = entryPath(entry);
    if (path.endsWith('/')) continue;
    if (entries.has(path)) throw new ImportRefusal('unsafe_path', `${path} appears twice.`);
    if (entry.isEncrypted()) throw new ImportRefusal('not_a_bundle', `${path} is encrypted.`);
    declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw new ImportRefusal(
        'archive_too_large',
        `The archive declares more than ${limits.maxUncompressedBytes} uncompressed bytes.`,
      );
    }
    entries.set(path, entry);
  }
  return entries;
}

/** The entry's path from its raw bytes, refused unless it stays inside the archive. */
function entryPath(entry: Entry): string {
  const raw = entry.fileNameRaw;
  const shown = JSON.stringify(raw.toString('latin1'));
  if (raw.includes(0)) throw new ImportRefusal('unsafe_path', `Entry ${shown} contains a NUL.`);
  if (raw.includes(0x5c)) {
    throw new ImportRefusal('unsafe_path', `Entry ${shown} contains a backslash.`);
  }
  const path = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  const folder = path.endsWith('/');
  try {
    validateEntryPath(folder ? path.slice(0, -1) : path);
  } catch (error) {
    throw new ImportRefusal(
      'unsafe_path',
      `Entry ${JSON.stringify(path)}: ${toError(error).message}.`,
    );
  }
  return path;
}

async function nextEntry(zip: ZipFile): Promise<Entry | null> {
  try {
    return await nextZipEntry(zip);
  } catch (error) {
    throw new ImportRefusal('not_a_bundle', `Damaged zip archive: ${toError(error).message}`);
  }
}

/** Passes bytes through, failing once more than `limit` went by. */
class SizeGuard extends Transform {
  private seen = 0;

  constructor(
    private readonly path: string,
    private readonly limit: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      done(
        new ImportRefusal(
          'archive_too_large',
          `${this.path} inflates past the ${this.limit} bytes it declares.`,
        ),
      );
      return;
    }
    done(null, chunk);
  }
}
