import type { Readable } from 'node:stream';
import { ImportRefusal } from './import-error.js';

/** One line of a JSON Lines file, without its `\n`. */
export interface JsonlLine {
  /** 1 for the first line. */
  readonly number: number;
  readonly text: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits a stream into lines on `\n` only (a record's strings may hold U+2028
 * or a raw `\r` nowhere else), holding one line at a time in memory.
 *
 * @param path - The file, named in errors.
 * @throws {@link ImportRefusal} `schema_violation` for a line longer than
 * `maxLineBytes` or one that is not UTF-8.
 */
export async function* jsonlLines(
  input: Readable,
  path: string,
  maxLineBytes: number,
): AsyncGenerator<JsonlLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const line = (bytes: Buffer): JsonlLine => {
    number++;
    try {
      return { number, text: utf8.decode(bytes) };
    } catch {
      throw new ImportRefusal('schema_violation', `${path} line ${number} is not UTF-8 text.`);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, end);
      const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      pendingBytes = 0;
      if (bytes.length > maxLineBytes) throw tooLong(path, number + 1, maxLineBytes);
      yield line(bytes);
      start = end + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tooLong(path, number + 1, maxLineBytes);
    }
  }
  if (pendingBytes > 0) yield line(Buffer.concat(pending));
}

function tooLong(path: string, number: number, max: number): ImportRefusal {
  return new ImportRefusal(
    'schema_violation',
    `${path} line ${number} is longer than ${max} bytes.`,
  );
}
