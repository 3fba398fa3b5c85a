import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { PortageError } from '../errors/index.js';

/**
 * How a piece is stored: the records of one key range of one category in one
 * format, encoded as the data file holds them, in one object:
 *
 * ```
 * [record bytes][record sizes, unsigned LEB128 each][trailer JSON][trailer length, uint32 BE]
 * ```
 *
 * Every record is encoded as if it were not the first of its file (a `json`
 * record keeps its leading `,`): the assembler drops the encoder's separator
 * where a record opens a file or part, and cuts parts where a single read
 * would, from the record sizes. One object per piece, so its bytes and its
 * sizes are published together or not at all.
 */
export interface PieceTrailer {
  readonly version: 1;
  /** Who wrote it: the export attempt and snapshot; the assembler refuses any other. */
  readonly stamp: string;
  readonly rows: number;
  readonly dataBytes: number;
  readonly sizesBytes: number;
}

/** Where pieces are read from: the object store's reads, by key. */
export interface PieceObjects {
  stat(key: string): Promise<{ bytes: number } | null>;
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
}

/** The pieces of a split export, as the assembler reads them. */
export interface PieceSet {
  readonly objects: PieceObjects;
  /** The stamp every piece of this export attempt carries. */
  readonly stamp: string;
  /** The keys of the pieces of one category's file, in key order; undefined when it is read whole. */
  keys(category: string, format: string): readonly string[] | undefined;
  /** Resolves once the piece under `key` is written; rejects if it never will be. */
  ready(key: string): Promise<void>;
}

/** A piece opened for reading: its trailer, its record sizes, and a stream of its record bytes. */
export interface OpenedPiece {
  readonly trailer: PieceTrailer;
  readonly sizes: Buffer;
  readonly data: () => Promise<Readable>;
}

/** Appends `value` as unsigned LEB128. */
export function pushSize(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/** Reads the LEB128 sizes of `sizes` one by one. */
export function* readSizes(sizes: Buffer): Generator<number> {
  let value = 0;
  let scale = 1;
  for (const byte of sizes) {
    value += (byte & 0x7f) * scale;
    if (byte & 0x80) {
      scale *= 128;
    } else {
      yield value;
      value = 0;
      scale = 1;
    }
  }
}

/** The trailer and its length field, ending a piece's object. */
export function trailerBytes(trailer: PieceTrailer): Buffer {
  const json = Buffer.from(JSON.stringify(trailer));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([json, length]);
}

/**
 * Opens the piece stored under `key`, checking that it is whole and carries `stamp`.
 * @throws PortageError (`internal_error`) for a piece that is missing, torn or another attempt's.
 */
export async function openPiece(
  objects: PieceObjects,
  key: string,
  stamp: string,
): Promise<OpenedPiece> {
  const refuse = (why: string) =>
    new PortageError('internal_error', `Piece ${key} of the split export ${why}.`);
  const stat = await objects.stat(key);
  if (stat === null || stat.bytes < 4) throw refuse('is missing');
  const read = async (start: number, end: number) =>
    buffer(await objects.read(key, { start, end: end - 1 }));
  const length = (await read(stat.bytes - 4, stat.bytes)).readUInt32BE(0);
  const trailerStart = stat.bytes - 4 - length;
  if (trailerStart < 0) throw refuse('is torn');
  const trailer = JSON.parse(
    (await read(trailerStart, stat.bytes - 4)).toString('utf8'),
  ) as PieceTrailer;
  if (trailer.stamp !== stamp) throw refuse(`was written by another attempt (${trailer.stamp})`);
  if (trailer.dataBytes + trailer.sizesBytes !== trailerStart) throw refuse('is torn');
  const sizes =
    trailer.sizesBytes === 0
      ? Buffer.alloc(0)
      : await read(trailer.dataBytes, trailer.dataBytes + trailer.sizesBytes);
  return {
    trailer,
    sizes,
    data: async () =>
      trailer.dataBytes === 0
        ? Readable.from([])
        : objects.read(key, { start: 0, end: trailer.dataBytes - 1 }),
  };
}
