import type { Writable } from 'node:stream';
import { buildArchive, type BuildInput, type BuildResult } from '../archive/export-builder.js';
import type { PieceObjects } from '../archive/index.js';
import type { Catalog } from '../catalog/index.js';
import type { ArchiveSpec } from './produce-archive.js';
import type { PieceQueue } from './piece-queue.js';
import { PieceWatch } from './piece-watch.js';
import { planSplit } from './split-plan.js';

/** How a coordinator splits an export (see `Settings.splitRows`). */
export interface SplitOptions {
  /** Categories of more rows than this are read in key ranges of this many rows. */
  readonly rows: number;
  readonly queue: PieceQueue;
  /** The export attempt's fence, carried by its pieces. */
  readonly fence: number;
  /** Where the pieces are written and read: the archives' object store. */
  readonly objects: PieceObjects & { delete(key: string): Promise<void> };
  /** How often the coordinator asks the queue about its pieces, in ms. */
  readonly pollMs: number;
}

/**
 * The coordinator of a split export, inside its exported snapshot: plans the
 * pieces, sends their jobs, and writes the archive through the one archive
 * path meanwhile, each split file assembled from its pieces as they are
 * written (the other categories read here), so that the archive has the
 * bytes a single read gives. The pieces are deleted whatever happens; the
 * snapshot ends when this returns.
 */
export async function buildSplitArchive(
  input: BuildInput,
  split: SplitOptions & { snapshotId: string; catalog: Catalog; spec: ArchiveSpec },
  output: Writable,
): Promise<BuildResult> {
  const plan = await planSplit(
    input.snapshot,
    split.catalog,
    { ...split.spec, fence: split.fence, snapshotId: split.snapshotId },
    split.rows,
  );
  if (plan.pieces.length === 0) return buildArchive(input, output);
  const ids = await split.queue.send(plan.pieces);
  let last = { categoriesTotal: 0, categoriesDone: 0, rowsWritten: 0, bytesWritten: 0 };
  const report = () => input.onProgress({ ...last, rowsWritten: last.rowsWritten + watch.rows });
  const watch = new PieceWatch(split.queue, plan.pieces, ids, plan.counted, split.pollMs, report);
  const stop = () => watch.abort(input.signal.reason);
  input.signal.addEventListener('abort', stop, { once: true });
  try {
    const result = await buildArchive(
      {
        ...input,
        pieces: {
          objects: split.objects,
          stamp: plan.pieces[0]!.stamp,
          keys: (category, format) => plan.keys.get(category)?.get(format),
          ready: (key) => watch.ready(key),
        },
        onProgress: (progress) => {
          last = progress;
          report();
        },
      },
      output,
    );
    return {
      ...result,
      progress: { ...result.progress, rowsWritten: result.progress.rowsWritten + watch.rows },
    };
  } finally {
    input.signal.removeEventListener('abort', stop);
    const open = await watch.stop(ids, plan.pieces);
    if (open.length > 0) await split.queue.cancel(open).catch(() => undefined);
    for (const piece of plan.pieces) await split.objects.delete(piece.key).catch(() => undefined);
  }
}
