import type { IncludedCategory } from '../catalog/index.js';
import type { FormatEncoder } from '../formats/index.js';
import { CUT, type EncodedParts } from './encoded-parts.js';
import { openPiece, readSizes, type PieceSet } from './piece-format.js';

/** What reading a category's file from its pieces needs. */
export interface PieceRead {
  readonly category: IncludedCategory;
  readonly pieces: PieceSet;
  readonly keys: readonly string[];
  /** Part size (see `CategoryWrite.partBytes`). */
  readonly limit: number;
  readonly signal: AbortSignal;
  readonly totals: { bytesWritten: number };
  readonly onProgress: () => void;
}

/**
 * A category's data file assembled from its pieces, in key order: the same
 * bytes, cut into the same parts, as one read of the whole category gives
 * (`encodeRows` in the category writer). The encoder's head and tail are
 * written here; each record comes from its piece, its separator dropped
 * where it opens the file or a part. Rows are not counted in the totals: the
 * pieces were counted as they were read.
 */
export function pieceParts(read: PieceRead, encoder: FormatEncoder): EncodedParts {
  const partRows: number[] = [];
  const counter = { rows: 0 };
  return {
    partRows,
    get rows() {
      return counter.rows;
    },
    [Symbol.asyncIterator]: () => assemble(read, encoder, counter, partRows),
  };
}

async function* assemble(
  read: PieceRead,
  encoder: FormatEncoder,
  counter: { rows: number },
  partRows: number[],
): AsyncGenerator<Buffer | typeof CUT> {
  const { totals } = read;
  const separator = Buffer.byteLength(encoder.separator ?? '');
  const head = Buffer.from(encoder.begin());
  const tailBytes = (rows: number) => Buffer.byteLength(encoder.end(rows));
  const emit = (chunk: Buffer) => {
    totals.bytesWritten += chunk.length;
    return chunk;
  };
  /** Bytes and rows of the part being written, as in `encodeRows`. */
  let bytes = head.length;
  let rows = 0;
  partRows.push(0);
  yield emit(head);
  for (const key of read.keys) {
    await read.pieces.ready(key);
    const piece = await openPiece(read.pieces.objects, key, read.pieces.stamp);
    const sizes = readSizes(piece.sizes);
    let seen = 0;
    /** Bytes of the current record still to pass, and of its separator still to drop. */
    let left = 0;
    let skip = 0;
    for await (const data of await piece.data()) {
      read.signal.throwIfAborted();
      const chunk = data as Buffer;
      let from = 0;
      let at = 0;
      while (at < chunk.length) {
        if (left === 0) {
          const next = sizes.next();
          if (next.done === true) throw torn(key, 'holds more bytes than its records');
          const size = next.value;
          seen++;
          // A part ends after the record that brings it to the part size.
          if (rows > 0 && bytes + tailBytes(rows) >= read.limit) {
            if (at > from) yield emit(chunk.subarray(from, at));
            from = at;
            yield emit(Buffer.from(encoder.end(rows)));
            yield CUT;
            yield emit(head);
            bytes = head.length;
            rows = 0;
            partRows.push(0);
          }
          skip = rows === 0 ? separator : 0;
          left = size;
          bytes += size - skip;
          rows++;
          counter.rows++;
          partRows[partRows.length - 1] = rows;
        }
        if (skip > 0) {
          if (at > from) yield emit(chunk.subarray(from, at));
          const n = Math.min(skip, chunk.length - at);
          at += n;
          left -= n;
          skip -= n;
          from = at;
          continue;
        }
        const n = Math.min(left, chunk.length - at);
        at += n;
        left -= n;
      }
      if (at > from) yield emit(chunk.subarray(from, at));
      read.onProgress();
    }
    if (left !== 0 || !sizes.next().done || seen !== piece.trailer.rows) {
      throw torn(key, 'does not hold the records its sizes list');
    }
  }
  yield emit(Buffer.from(encoder.end(rows)));
}

function torn(key: string, why: string): Error {
  return new Error(`piece ${key} ${why}`);
}
