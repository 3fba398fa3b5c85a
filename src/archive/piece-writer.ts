import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncludedCategory } from '../catalog/index.js';
import {
  ByteWriter,
  createEncoder,
  type CsvOptions,
  type EncodedFormat,
} from '../formats/index.js';
import type { KeyRange, SourceSnapshot } from '../sources/index.js';
import { pushSize, trailerBytes } from './piece-format.js';
import { rowFailure } from './row-failure.js';
import { convertedBatches } from './category-read.js';
import { DigestStream, type ByteDigest } from './zip-digest-stream.js';

/** Bytes of encoded records handed to the output at once. */
const CHUNK_BYTES = 128 * 1024;

/** One piece to write: a key range of one category, in one format. */
export interface PieceWrite {
  readonly snapshot: SourceSnapshot;
  readonly category: IncludedCategory;
  readonly tenant: string;
  readonly catalogVersion: string;
  readonly format: EncodedFormat;
  readonly csv: CsvOptions;
  /** Canonical records (RFC 8785 key order), as audit exports require. */
  readonly canonical: boolean;
  readonly range: KeyRange;
  /** Written into the piece, checked by the assembler (see `PieceTrailer.stamp`). */
  readonly stamp: string;
  readonly signal: AbortSignal;
}

/**
 * Reads one key range of a category from the snapshot and writes it to
 * `output` in the piece layout (see `PieceTrailer`): the records encoded as
 * the category's data file holds them, with their sizes. Resolves with the
 * rows written and the object's size and sha256, for its publication.
 */
export async function writePiece(
  job: PieceWrite,
  output: Writable,
): Promise<ByteDigest & { rows: number }> {
  const counted = { rows: 0 };
  const digest = new DigestStream();
  await pipeline(Readable.from(encodePiece(job, counted)), digest, output);
  return { ...digest.digest(), rows: counted.rows };
}

async function* encodePiece(job: PieceWrite, counted: { rows: number }): AsyncGenerator<Buffer> {
  const { category } = job;
  const encoder = createEncoder(job.format, {
    category,
    fields: category.fields,
    tenant: job.tenant,
    catalogVersion: job.catalogVersion,
    csv: job.csv,
    canonical: job.canonical,
  });
  const out = new ByteWriter(CHUNK_BYTES * 2);
  const sizes: number[] = [];
  let dataBytes = 0;
  for await (const batch of convertedBatches(job, encoder.format)) {
    let r = 0;
    try {
      for (; r < batch.rows.length; r++) {
        const mark = out.length;
        // As a record after the first: the assembler drops the separator where a file opens.
        out.text(encoder.row(batch.rows[r]!, 1));
        pushSize(sizes, out.length - mark);
        counted.rows++;
        if (out.length >= CHUNK_BYTES) {
          const chunk = out.take();
          dataBytes += chunk.length;
          yield chunk;
        }
      }
    } catch (error) {
      throw rowFailure(category, encoder.format, batch.raw[r]!, batch.rows[r]!, error);
    }
  }
  if (out.length > 0) {
    const chunk = out.take();
    dataBytes += chunk.length;
    yield chunk;
  }
  yield Buffer.from(sizes);
  yield trailerBytes({
    version: 1,
    stamp: job.stamp,
    rows: counted.rows,
    dataBytes,
    sizesBytes: sizes.length,
  });
}
