import type { IncludedCategory } from '../catalog/index.js';
import {
  ByteWriter,
  createEncoder,
  type CsvOptions,
  type EncodedFormat,
  type FormatEncoder,
  type Row,
} from '../formats/index.js';
import type { SourceSnapshot } from '../sources/index.js';
import type { ManifestFile } from './manifest.js';
import type { ZipEntryInfo, ZipWriter } from './zip-writer.js';
import { dataFilePath } from './archive-layout.js';
import { HeldEntry } from './held-entry.js';
import { CUT, type EncodedParts } from './encoded-parts.js';
import { rowFailure } from './row-failure.js';
import { convertedBatches } from './category-read.js';
import type { PieceSet } from './piece-format.js';
import { pieceParts } from './piece-parts.js';

/**
 * Deflate level of the data files: level 1, as `zip -1` and `gzip --fast`,
 * compresses several times faster than the default 6 for archives typically
 * 10–20% larger, and the data files are most of an archive's bytes and time.
 */
export const DATA_DEFLATE_LEVEL = 1;

/**
 * Bytes of encoded rows handed to the zip writer at once (a chunk ends with
 * the row that reaches it). Each row's text is written into one reused buffer
 * as soon as it is encoded, so no string longer than a row is built (a chunk's
 * rows joined by `+=` made a rope that V8 had to flatten, the costliest step of
 * a jsonl export); large chunks mean few calls through the entry's streams, and
 * a chunk as large as deflate's input goes to zlib without another copy.
 */
const CHUNK_BYTES = 1024 * 1024;

/** Running totals shared by every category of one archive. */
export interface Totals {
  categoriesTotal: number;
  categoriesDone: number;
  rowsWritten: number;
  bytesWritten: number;
}

/** What writing a category's data files needs. */
export interface CategoryWrite {
  readonly snapshot: SourceSnapshot;
  readonly category: IncludedCategory;
  readonly tenant: string;
  readonly catalogVersion: string;
  readonly formats: readonly EncodedFormat[];
  readonly csv: CsvOptions;
  /** Canonical records (RFC 8785 key order), as audit exports require. */
  readonly canonical: boolean;
  /**
   * Part size, in bytes: a data file is cut into parts, each ending after the
   * record that brings it to this size, so that only its last record passes it.
   * (Default: {@link DEFAULT_PART_BYTES})
   */
  readonly partBytes?: number;
  /**
   * Deflated bytes of a first part held in memory while it is not yet known
   * whether more parts follow; the rest waits in a temporary file. (Default: 8 MiB)
   */
  readonly heldMemoryBytes?: number;
  readonly signal: AbortSignal;
  readonly totals: Totals;
  readonly onProgress: () => void;
  /** Sees every row of the category once (for documents that show records), if set. */
  readonly sample?: (row: Row) => void;
  /** Pieces written by other workers: a file that has pieces is assembled from them, not read. */
  readonly pieces?: PieceSet;
}

/** Largest data file before a category is split into parts: 1 GiB. */
export const DEFAULT_PART_BYTES = 1024 ** 3;

const DEFAULT_HELD_MEMORY_BYTES = 8 * 1024 ** 2;

/**
 * Writes `data/<category>.<ext>` for each format, each streamed from the
 * snapshot in primary-key order. A file that reaches `partBytes` before its
 * last record is written as `data/<category>.part-00001.<ext>`, `…part-00002…` instead, each
 * a complete file of its format (the CSV header, the JSON document around its
 * records). A read that fails part way fails the export, naming the category:
 * a silently truncated archive is worse than none.
 */
export async function writeCategoryData(
  zip: ZipWriter,
  job: CategoryWrite,
): Promise<{ rows: number; files: ManifestFile[] }> {
  const files: ManifestFile[] = [];
  let rows = 0;
  for (const format of job.formats) {
    if (format === 'csv' && !job.category.tabular) continue;
    const encoder = createEncoder(format, {
      category: job.category,
      fields: job.category.fields,
      tenant: job.tenant,
      catalogVersion: job.catalogVersion,
      csv: job.csv,
      canonical: job.canonical,
    });
    const first = files.length === 0;
    const sample = first ? job.sample : undefined;
    const keys = job.pieces?.keys(job.category.name, format);
    // Each record counts once in the progress, whatever the number of formats.
    const parts =
      job.pieces !== undefined && keys !== undefined
        ? pieceParts({ ...job, pieces: job.pieces, keys, limit: partLimit(job) }, encoder)
        : encodeParts(job, encoder, sample, first);
    for (const part of await writeParts(zip, job, encoder.extension, parts)) {
      files.push({ ...part, format, media_type: encoder.mediaType });
    }
    rows = parts.rows;
  }
  return { rows, files };
}

/** Writes the parts as zip entries; the first is deflated and held until it is known whether it is the only one. */
async function writeParts(
  zip: ZipWriter,
  job: CategoryWrite,
  extension: string,
  parts: EncodedParts,
): Promise<Omit<ManifestFile, 'format' | 'media_type'>[]> {
  const events = parts[Symbol.asyncIterator]();
  const held = new HeldEntry(job.heldMemoryBytes ?? DEFAULT_HELD_MEMORY_BYTES, DATA_DEFLATE_LEVEL);
  const written: Omit<ManifestFile, 'format' | 'media_type'>[] = [];
  let ended = false;
  async function* live(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = await events.next();
      if (next.done === true) ended = true;
      if (next.done === true || next.value === CUT) return;
      yield next.value;
    }
  }
  const record = (entry: ZipEntryInfo) => {
    const rows = parts.partRows[written.length] ?? 0;
    written.push({ path: entry.path, rows, bytes: entry.bytes, sha256: entry.sha256 });
  };
  const name = job.category.name;
  try {
    for await (const chunk of live()) await held.add(chunk);
    const first = await held.seal();
    record(await zip.addDeflated(dataFilePath(name, extension, ended ? null : 1), first));
    await held.dispose();
    while (!ended) {
      const path = dataFilePath(name, extension, written.length + 1);
      record(await zip.addStream(path, live(), { level: DATA_DEFLATE_LEVEL }));
    }
  } finally {
    await held.dispose();
    // A read left open would outlive the failure and mask it when its snapshot closes.
    await events.return?.();
  }
  return written;
}

function partLimit(job: CategoryWrite): number {
  return job.partBytes ?? DEFAULT_PART_BYTES;
}

function encodeParts(
  job: CategoryWrite,
  encoder: FormatEncoder,
  sample: ((row: Row) => void) | undefined,
  countsRows: boolean,
): EncodedParts {
  const partRows: number[] = [];
  const counter = { rows: 0 };
  const limit = partLimit(job);
  return {
    partRows,
    get rows() {
      return counter.rows;
    },
    [Symbol.asyncIterator]: () =>
      encodeRows(job, encoder, limit, counter, partRows, sample, countsRows),
  };
}

async function* encodeRows(
  job: CategoryWrite,
  encoder: FormatEncoder,
  limit: number,
  counter: { rows: number },
  partRows: number[],
  sample: ((row: Row) => void) | undefined,
  countsRows: boolean,
): AsyncGenerator<Buffer | typeof CUT> {
  const { category, totals } = job;
  const out = new ByteWriter(CHUNK_BYTES * 2);
  const take = (): Buffer => {
    const chunk = out.take();
    totals.bytesWritten += chunk.length;
    return chunk;
  };
  const head = Buffer.from(encoder.begin());
  const tailBytes = (rows: number) => Buffer.byteLength(encoder.end(rows));
  /** Bytes and rows of the part being written. */
  let bytes = head.length;
  let rows = 0;
  partRows.push(0);
  totals.bytesWritten += head.length;
  yield head;
  for await (const batch of convertedBatches(job, encoder.format)) {
    let r = 0;
    while (r < batch.rows.length) {
      let full = false;
      try {
        for (; r < batch.rows.length && out.length < CHUNK_BYTES; r++) {
          // A part ends after the row that brings it to the part size (the
          // file it would be, ended there): where parts are cut depends on
          // the data alone. This row, the next, opens the next part.
          if (rows > 0 && bytes + tailBytes(rows) >= limit) {
            full = true;
            break;
          }
          const row = batch.rows[r]!;
          const mark = out.length;
          out.text(encoder.row(row, rows));
          const size = out.length - mark;
          sample?.(row);
          bytes += size;
          rows++;
          counter.rows++;
          partRows[partRows.length - 1] = rows;
        }
      } catch (error) {
        throw rowFailure(category, encoder.format, batch.raw[r]!, batch.rows[r]!, error);
      }
      if (full) {
        // Close this part and open the next; the row is written as its first.
        if (out.length > 0) yield take();
        const tail = Buffer.from(encoder.end(rows));
        totals.bytesWritten += tail.length + head.length;
        yield tail;
        yield CUT;
        yield head;
        bytes = head.length;
        rows = 0;
        partRows.push(0);
      } else if (out.length >= CHUNK_BYTES) {
        yield take();
      }
    }
    if (countsRows) totals.rowsWritten += batch.rows.length;
    job.onProgress();
  }
  if (out.length > 0) yield take();
  const tail = Buffer.from(encoder.end(rows));
  totals.bytesWritten += tail.length;
  yield tail;
}
