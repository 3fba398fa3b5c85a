import { setTimeout as sleep } from 'node:timers/promises';
import { PortageError, toError, type ErrorCode } from '../errors/index.js';
import type { PieceJobData, PieceQueue } from './piece-queue.js';

/**
 * A piece that will not be written in this attempt (its job failed for good,
 * its snapshot is gone, its attempt is over): the whole export is written
 * again, from a new snapshot, rather than mixing two instants.
 */
export class PieceLostError extends Error {
  override readonly name = 'PieceLostError';
}

interface Waiter {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  ended: boolean;
}

/**
 * Follows the jobs of a split export's pieces, polling the queue every
 * `pollMs`: {@link ready} resolves once a piece is written, so that the
 * assembler reads each piece as soon as it exists; the first piece that will
 * never be written rejects every wait. Counts the rows of the pieces written.
 */
export class PieceWatch {
  /** Rows of the pieces written so far (each record once, whatever the formats). */
  rows = 0;
  readonly #waiters = new Map<string, Waiter>();
  readonly #stopped = new AbortController();
  readonly #loop: Promise<void>;

  constructor(
    private readonly queue: PieceQueue,
    pieces: readonly PieceJobData[],
    ids: readonly string[],
    counted: ReadonlySet<string>,
    pollMs: number,
    onRows: () => void,
  ) {
    for (const piece of pieces) {
      let resolve: () => void = () => undefined;
      let reject: (error: Error) => void = () => undefined;
      const promise = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      // Waited on only when the assembler reaches it; a failure before then is reported there.
      promise.catch(() => undefined);
      this.#waiters.set(piece.key, { promise, resolve, reject, ended: false });
    }
    this.#loop = this.#poll(pieces, ids, counted, pollMs, onRows);
  }

  /** Resolves once the piece under `key` is written. */
  ready(key: string): Promise<void> {
    const waiter = this.#waiters.get(key);
    return waiter?.promise ?? Promise.reject(new Error(`no piece ${key}`));
  }

  /** Rejects every wait not yet over with `reason` (the export stops: lease lost, cancel, shutdown). */
  abort(reason: unknown): void {
    for (const waiter of this.#waiters.values()) {
      if (!waiter.ended) waiter.reject(toError(reason));
    }
  }

  /** Stops polling; resolves with the ids of the jobs that had not ended. */
  async stop(ids: readonly string[], pieces: readonly PieceJobData[]): Promise<string[]> {
    this.#stopped.abort();
    await this.#loop;
    return ids.filter((_, i) => this.#waiters.get(pieces[i]!.key)?.ended === false);
  }

  async #poll(
    pieces: readonly PieceJobData[],
    ids: readonly string[],
    counted: ReadonlySet<string>,
    pollMs: number,
    onRows: () => void,
  ): Promise<void> {
    let open = pieces.map((piece, i) => ({ piece, id: ids[i]! }));
    while (open.length > 0 && !this.#stopped.signal.aborted) {
      try {
        const states = await this.queue.states(open.map((o) => o.id));
        const still: typeof open = [];
        open.forEach((o, i) => {
          const state = states[i];
          if (state === undefined || state.kind === 'waiting') {
            still.push(o);
            return;
          }
          const waiter = this.#waiters.get(o.piece.key)!;
          waiter.ended = true;
          if (state.kind === 'ended' && state.outcome.kind === 'done') {
            if (counted.has(o.piece.key)) this.rows += state.outcome.rows;
            waiter.resolve();
            return;
          }
          throw lost(o.piece, state);
        });
        open = still;
        onRows();
      } catch (thrown) {
        const error = toError(thrown);
        if (error instanceof PieceLostError || error instanceof PortageError) {
          for (const waiter of this.#waiters.values()) waiter.reject(error);
          return;
        }
        // The queue did not answer: ask again at the next tick.
      }
      if (open.length > 0) {
        await sleep(pollMs, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
      }
    }
  }
}

function lost(
  piece: PieceJobData,
  state: Exclude<Awaited<ReturnType<PieceQueue['states']>>[number], { kind: 'waiting' }>,
): Error {
  if (state.kind === 'failed') {
    return new PieceLostError(`Piece ${piece.key} failed for good: ${state.message}`);
  }
  const outcome = state.outcome;
  switch (outcome.kind) {
    case 'refused':
      return new PortageError(outcome.code as ErrorCode, outcome.message);
    case 'gone':
      return new PieceLostError(`Piece ${piece.key}: the export's snapshot is gone.`);
    default:
      return new PieceLostError(`Piece ${piece.key}: its export attempt is over.`);
  }
}
