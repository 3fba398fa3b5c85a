import { PassThrough, type Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { nextZipEntry } from '../archive/zip-reader.js';
import type { Manifest } from '../archive/index.js';
import type { ObjectStore } from '../storage/index.js';

/** Largest `manifest.json` read for a mail, in bytes. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** What a mail says is inside an archive, from its `manifest.json`. */
export interface ArchiveSummary {
  readonly accountName: string;
  readonly platformName: string;
  readonly purpose: string;
  readonly formats: readonly string[];
  readonly generatedAt: string;
  /** The requested categories that were exported, with their row counts. */
  readonly categories: readonly {
    readonly name: string;
    readonly title: string;
    readonly rows: number;
  }[];
  readonly contentSha256: string;
}

/**
 * Reads the manifest of a published archive through ranged reads of the
 * object store — the zip's central directory, then the one entry — so a mail
 * never downloads the whole archive.
 */
export async function readArchiveSummary(
  storage: Pick<ObjectStore, 'read'>,
  key: string,
  bytes: number,
): Promise<ArchiveSummary> {
  const zip = await yauzl.fromRandomAccessReaderPromise(new StoreReader(storage, key), bytes, {
    lazyEntries: true,
    autoClose: false,
  });
  try {
    for (let entry = await nextZipEntry(zip); entry !== null; entry = await nextZipEntry(zip)) {
      if (entry.fileName !== 'manifest.json') continue;
      if (entry.uncompressedSize > MAX_MANIFEST_BYTES)
        throw new Error(`manifest.json is larger than ${MAX_MANIFEST_BYTES} bytes`);
      const stream = await zip.openReadStreamPromise(entry);
      return summarise(JSON.parse(await text(stream)) as Manifest);
    }
    throw new Error('the archive holds no manifest.json');
  } finally {
    zip.close();
  }
}

function summarise(manifest: Manifest): ArchiveSummary {
  return {
    accountName: manifest.export.account_name,
    platformName: manifest.export.platform.name,
    purpose: manifest.export.purpose,
    formats: manifest.export.formats,
    generatedAt: manifest.export.generated_at,
    categories: manifest.categories.flatMap((c) =>
      c.included && c.requested ? [{ name: c.name, title: c.title, rows: c.rows ?? 0 }] : [],
    ),
    contentSha256: manifest.content_sha256,
  };
}

/** yauzl's random access over an object store's ranged reads. */
class StoreReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly storage: Pick<ObjectStore, 'read'>,
    private readonly key: string,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    if (end <= start) {
      out.end();
      return out;
    }
    // yauzl's end is exclusive; the store's is inclusive.
    this.storage.read(this.key, { start, end: end - 1 }).then(
      (body) => {
        body.on('error', (error) => out.destroy(error));
        body.pipe(out);
      },
      (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return out;
  }
}
