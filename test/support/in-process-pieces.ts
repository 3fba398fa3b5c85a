import type { Catalog } from '../../src/catalog/index.js';
import {
  writePieceJob,
  type PieceJobData,
  type PieceQueue,
  type PieceState,
} from '../../src/jobs/index.js';
import type { SourceDatabase } from '../../src/sources/index.js';
import type { ObjectStore } from '../../src/storage/index.js';

/**
 * A piece queue that runs every piece in this process, one at a time, last
 * sent first (so that the assembler cannot rely on the order pieces are
 * written in), each on a connection of its own joined to the coordinator's
 * snapshot. `sent` keeps every job, for tests to look at.
 */
export function inProcessPieces(deps: {
  catalog: Catalog;
  source: SourceDatabase;
  storage: ObjectStore;
}): PieceQueue & { readonly sent: PieceJobData[] } {
  const sent: PieceJobData[] = [];
  const states = new Map<string, PieceState>();
  let chain: Promise<unknown> = Promise.resolve();
  return {
    sent,
    send(pieces) {
      const ids = pieces.map((piece) => {
        const id = `piece-${sent.length}`;
        sent.push(piece);
        states.set(id, { kind: 'waiting' });
        return id;
      });
      for (const [i, piece] of [...pieces.entries()].reverse()) {
        chain = chain.then(async () => {
          try {
            const outcome = await writePieceJob(deps, piece, new AbortController().signal);
            states.set(ids[i]!, { kind: 'ended', outcome });
          } catch (error) {
            states.set(ids[i]!, { kind: 'failed', message: String(error) });
          }
        });
      }
      return Promise.resolve(ids);
    },
    states: (ids) => Promise.resolve(ids.map((id) => states.get(id) ?? { kind: 'waiting' })),
    cancel: () => Promise.resolve(),
  };
}
