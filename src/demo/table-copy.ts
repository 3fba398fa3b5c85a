import { once } from 'node:events';
import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import type * as CopyStreams from 'pg-copy-streams';
import type { CopyStreamQuery } from 'pg-copy-streams';
import { toError } from '../errors/index.js';
import { csvLine } from './postgres-schema.js';
import type { SeedValue } from './row-sink.js';

/**
 * One table's `COPY … FROM STDIN`, on a connection of its own for as long as a
 * stage lasts. Rows are queued as CSV text and handed to the stream by
 * {@link TableCopy.drain}, which waits whenever the stream is full.
 */
export class TableCopy {
  private queued: string[] = [];
  /** UTF-16 code units queued, a measure of the memory held. */
  queuedLength = 0;
  private client: PoolClient | null = null;
  private stream: CopyStreamQuery | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly sql: string,
  ) {}

  /** Queues one row. */
  push(values: readonly SeedValue[]): void {
    const line = csvLine(values);
    this.queued.push(line);
    this.queuedLength += line.length;
  }

  /** Writes the queued rows to the stream, opening it first if needed. */
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.queued.length === 0) return;
    const stream = this.stream ?? (await this.start());
    const text = this.queued.join('');
    this.queued = [];
    this.queuedLength = 0;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  /** Writes what is queued and ends the COPY, which commits its rows. */
  async end(): Promise<void> {
    await this.drain();
    const { stream, client } = this;
    if (stream === null || client === null) return;
    stream.end();
    try {
      await finished(stream);
    } catch (error) {
      throw this.failure ?? toError(error);
    }
    this.stream = null;
    this.client = null;
    client.release();
  }

  /** Drops the connection, and with it the COPY in progress. Never throws. */
  abort(): void {
    this.queued = [];
    this.stream?.destroy();
    this.client?.release(new Error('demo load aborted'));
    this.stream = null;
    this.client = null;
  }

  private async start(): Promise<CopyStreamQuery> {
    const client = await this.pool.connect();
    const { from: copyFrom } = createRequire(import.meta.url)(
      'pg-copy-streams',
    ) as typeof CopyStreams;
    const stream = client.query(copyFrom(this.sql));
    stream.on('error', (error) => {
      this.failure ??= toError(error);
    });
    this.client = client;
    this.stream = stream;
    return stream;
  }
}
