import type PgBoss from 'pg-boss';
import type { PieceJobData, PieceOutcome, PieceQueue, PieceState } from './piece-queue.js';

/** The pg-boss queue that carries the piece jobs of split exports. */
export const PIECE_QUEUE_NAME = 'portage-export-piece';

/** Options of the piece queue, created beside the export queue. */
export const PIECE_QUEUE_OPTIONS = {
  name: PIECE_QUEUE_NAME,
  policy: 'standard',
  // A job whose worker died expires, then runs again elsewhere; each run rewrites its piece.
  retryLimit: 5,
  retryDelay: 1,
} as const;

/**
 * Piece jobs on pg-boss: any worker process takes them. A job that its worker
 * does not finish within `expireInSeconds` (the worker died) is failed by
 * pg-boss's maintenance and retried, up to {@link PIECE_QUEUE_OPTIONS}' limit.
 */
export class PgBossPieces implements PieceQueue {
  constructor(
    private readonly boss: PgBoss,
    private readonly expireInSeconds: number,
  ) {}

  async send(pieces: readonly PieceJobData[]): Promise<string[]> {
    const ids: string[] = [];
    for (const piece of pieces) {
      const id = await this.boss.send(PIECE_QUEUE_NAME, piece, {
        expireInSeconds: this.expireInSeconds,
      });
      if (id === null) throw new Error(`the queue refused piece ${piece.key}`);
      ids.push(id);
    }
    return ids;
  }

  async states(ids: readonly string[]): Promise<PieceState[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT id::text AS id, state::text AS state, output FROM pgboss.job
       WHERE name = $1 AND id = ANY ($2::uuid[])`,
      [PIECE_QUEUE_NAME, ids],
    );
    const byId = new Map(
      (rows as { id: string; state: string; output: unknown }[]).map((row) => [row.id, row]),
    );
    return ids.map((id): PieceState => {
      const row = byId.get(id);
      switch (row?.state) {
        case 'completed':
          return { kind: 'ended', outcome: row.output as PieceOutcome };
        case 'failed':
        case 'cancelled':
          return { kind: 'failed', message: messageOf(row.output) ?? row.state };
        case undefined:
          // Archived by pg-boss's maintenance long after its end: not a piece of a running export.
          return { kind: 'failed', message: 'the job is no longer in the queue' };
        default:
          return { kind: 'waiting' };
      }
    });
  }

  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.boss.cancel(PIECE_QUEUE_NAME, [...ids]);
  }
}

function messageOf(output: unknown): string | undefined {
  const message = (output as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}
