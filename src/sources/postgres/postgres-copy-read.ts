import { createRequire } from 'node:module';
import type { PoolClient } from 'pg';
import type * as CopyStreams from 'pg-copy-streams';
import type { RawValue } from '../types.js';
import { BinaryCopyParser } from './binary-copy-parser.js';
import type { BinaryDecode } from './binary-values.js';

/** Ends a read its consumer left open: its `COPY` stops, its savepoint is rolled back. */
export type OpenRead = () => Promise<void>;

/** What one read of a category through binary `COPY` needs. */
export interface CopyRead {
  /** The connection holding the snapshot's transaction. */
  readonly client: PoolClient;
  /** The query whose rows are read, with no parameter left in it. */
  readonly select: string;
  /** One per selected column. */
  readonly decoders: readonly BinaryDecode[];
  /** Rows per batch handed to the consumer. */
  readonly batchRows: number;
  /** Each read's closer is in it until the read ends (see `postgresSnapshot`). */
  readonly open: Set<OpenRead>;
  /** Cancels the statement the snapshot's connection is running (from another connection). */
  readonly cancel: () => Promise<void>;
}

/**
 * Bytes of the `COPY`'s data the stream buffers ahead of the consumer (and,
 * beyond them, the socket's): the server keeps producing while rows are encoded.
 */
const READ_AHEAD_BYTES = 1024 * 1024;

/** The savepoint each `COPY` runs under, so that a stopped or failed read leaves the snapshot usable. */
const SAVEPOINT = 'portage_copy_read';
const QUERY_CANCELED = '57014';

/**
 * Streams the rows of `read.select` through `COPY (…) TO STDOUT (FORMAT
 * binary)`, decoded from the binary form straight into the values the text
 * protocol's parsers give, in batches of `batchRows`.
 *
 * A `COPY` cannot be paused or closed like a cursor: a consumer that stops
 * early has the statement cancelled and what is still in flight read and
 * dropped, then the savepoint taken before the `COPY` rolled back, so that the
 * transaction, and with it the snapshot, stays usable for the next read.
 */
export async function* copyBatches(read: CopyRead): AsyncGenerator<RawValue[][]> {
  const { client } = read;
  await client.query(`SAVEPOINT ${SAVEPOINT}`);
  const { to: copyTo } = createRequire(import.meta.url)('pg-copy-streams') as typeof CopyStreams;
  const stream = client.query(
    copyTo(`COPY (${read.select}) TO STDOUT (FORMAT binary)`, {
      highWaterMark: READ_AHEAD_BYTES,
    }),
  );
  let settled = false;
  // Settles when the COPY ends, whether in full or failed; a failure reaches the consumer through the chunks.
  const ended = new Promise<void>((resolve) => {
    stream.once('end', () => resolve());
    stream.once('error', () => resolve());
  }).finally(() => (settled = true));
  const chunks = stream.iterator({ destroyOnReturn: false });
  let done = false;
  let closed: Promise<void> | null = null;
  const close: OpenRead = () =>
    (closed ??= (async () => {
      if (done) return;
      if (!settled) {
        // The iterator's 'readable' listener keeps the stream paused: resume() would not flow.
        await chunks.return?.();
        stream.resume();
        await read.cancel().catch(() => undefined);
        await ended;
      }
      await rollBackRead(client);
    })());
  read.open.add(close);
  const parser = new BinaryCopyParser(read.decoders);
  let rows: RawValue[][] = [];
  try {
    for await (const chunk of chunks as AsyncIterable<Buffer>) {
      parser.write(chunk, rows);
      while (rows.length >= read.batchRows) {
        const batch = rows.length === read.batchRows ? rows : rows.slice(0, read.batchRows);
        rows = rows.length === read.batchRows ? [] : rows.slice(read.batchRows);
        yield batch;
      }
    }
    parser.end();
    if (rows.length > 0) yield rows;
    await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    done = true;
  } finally {
    read.open.delete(close);
    await close();
  }
}

/**
 * Rolls back to the read's savepoint and releases it. A cancel that reached
 * the server only as the `COPY` ended fails the next statement instead: the
 * rollback is then tried once more. A connection already lost is left alone:
 * its failure reaches the consumer through the read.
 */
async function rollBackRead(client: PoolClient): Promise<void> {
  const rollback = `ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`;
  try {
    await client.query(rollback);
  } catch (error) {
    if ((error as { code?: unknown }).code !== QUERY_CANCELED) return;
    await client.query(rollback).catch(() => undefined);
  }
}
