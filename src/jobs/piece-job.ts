import { writePiece } from '../archive/index.js';
import { PortageError } from '../errors/index.js';
import { SnapshotGoneError } from '../sources/index.js';
import type { ExportContext } from './export-context.js';
import type { PieceJobData, PieceOutcome } from './piece-queue.js';

/**
 * Runs one piece of a split export, in whichever worker took its job: joins
 * the coordinator's snapshot, reads the piece's key range and writes it to
 * the store under the piece's key (replacing what an earlier run of the same
 * piece left there). A piece of an attempt that has ended is not written; a
 * snapshot that is gone is reported, never replaced by a fresh one, so an
 * archive never mixes two instants. A transient failure throws, for the
 * queue to retry the job.
 */
export async function runPiece(
  ctx: ExportContext,
  job: PieceJobData,
  signal: AbortSignal,
): Promise<PieceOutcome> {
  const record = await ctx.store.exports.getById(job.exportId);
  if (record?.status !== 'running' || record.fence !== job.fence) return { kind: 'stale' };
  return writePieceJob(ctx, job, signal);
}

/** {@link runPiece} once the piece's attempt is known to be current: joins, reads, writes. */
export async function writePieceJob(
  ctx: Pick<ExportContext, 'catalog' | 'source' | 'storage'>,
  job: PieceJobData,
  signal: AbortSignal,
): Promise<PieceOutcome> {
  const category = ctx.catalog.categories.find((c) => c.name === job.category);
  const shared = ctx.source.shared;
  if (category === undefined || !category.included || shared === undefined) {
    return {
      kind: 'refused',
      code: 'internal_error',
      message: `Piece ${job.key}: no included category "${job.category}" on a shared snapshot.`,
    };
  }
  try {
    return await shared.joining(job.snapshotId, async (snapshot) => {
      const pending = await ctx.storage.beginWrite(job.key);
      try {
        const written = await writePiece(
          {
            snapshot,
            category,
            tenant: job.tenant,
            catalogVersion: ctx.catalog.version,
            format: job.format,
            csv: job.csv,
            canonical: job.canonical,
            range: job.range,
            stamp: job.stamp,
            signal,
          },
          pending.writable,
        );
        await pending.publish({ bytes: written.bytes, sha256: written.sha256 });
        return { kind: 'done', rows: written.rows } as const;
      } catch (thrown) {
        await pending.abort().catch(() => undefined);
        throw thrown;
      }
    });
  } catch (thrown) {
    if (thrown instanceof SnapshotGoneError) return { kind: 'gone' };
    if (thrown instanceof PortageError && thrown.code === 'value_out_of_range') {
      return { kind: 'refused', code: thrown.code, message: thrown.message };
    }
    throw thrown;
  }
}
