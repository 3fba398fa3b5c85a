import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile, type Catalog, type IncludedCategory } from '../catalog/index.js';
import type { BuildResult } from '../archive/index.js';
import { DEMO_PLATFORMS } from '../demo/index.js';
import { openSource, type SourceDatabase } from '../sources/index.js';
import { FileStore } from '../storage/index.js';
import { loadDemoPlatform, type LoadedPlatform } from '../../test/support/demo-databases.js';
import { inProcessPieces } from '../../test/support/in-process-pieces.js';
import { dropIfPassed, watchFailures } from '../../test/support/postgres.js';
import { produceArchive, type ArchiveSpec } from './produce-archive.js';
import type { PieceQueue } from './piece-queue.js';
import { PieceLostError } from './piece-watch.js';
import { pieceKey } from './split-plan.js';

/**
 * Rows per piece: small enough that the demo's larger categories, composite
 * and UUID keys among them, are cut into several ranges, and large enough that
 * the bigger platform's first tenant (about ten times the rows) is not cut into
 * thousands of pieces.
 */
const SPLIT_ROWS: Readonly<Record<string, number>> = { 'acme-tasks': 400 };
const splitRows = (platform: string) => SPLIT_ROWS[platform] ?? 40;
/** A part size that cuts the demo's larger files into parts, across pieces. */
const PART_BYTES = 16 * 1024;

/** An archive written to nothing: its size, sha256 and manifest. */
async function archiveOf(
  spec: ArchiveSpec,
  deps: Parameters<typeof produceArchive>[1],
): Promise<BuildResult> {
  const hash = createHash('sha256');
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      hash.update(chunk);
      done();
    },
  });
  const built = await produceArchive(spec, deps, sink, {
    onProgress: () => undefined,
    signal: new AbortController().signal,
  });
  expect(built.sha256).toBe(hash.digest('hex'));
  return built;
}

describe.each(DEMO_PLATFORMS.map((platform) => ({ name: platform.name, platform })))(
  'an export split into pieces on $name in PostgreSQL',
  { timeout: 240_000 },
  ({ platform }) => {
    const passed = watchFailures();
    const tenant = platform.tenants[0]!.id;
    let dir: string;
    let loaded: LoadedPlatform;
    let catalog: Catalog;
    let source: SourceDatabase;
    let storage: FileStore;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portage-split-'));
      loaded = await loadDemoPlatform(platform, 'postgres', dir);
      catalog = loadCatalogFile(platform.catalogFile);
      source = openSource(loaded.url);
      storage = new FileStore(join(dir, 'store'));
    });

    afterAll(async () => {
      await source?.close();
      await dropIfPassed(loaded?.database ?? undefined, passed(), dir ? [dir] : []);
    });

    const spec = (purpose: string, formats: readonly string[]): ArchiveSpec => ({
      exportId: 'exp_split_test',
      tenant,
      purpose,
      formats,
      categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
      csv: { bom: false, formulaProtection: false },
      generatedAt: new Date('2025-01-01T00:00:00.000Z'),
    });
    const deps = (partBytes: number | undefined, queue?: PieceQueue) => ({
      catalog,
      source,
      settings: { filesDir: loaded.filesDir, ...(partBytes !== undefined && { partBytes }) },
      ...(queue !== undefined && {
        split: { rows: splitRows(platform.name), queue, fence: 1, objects: storage, pollMs: 5 },
      }),
    });

    it.each([
      { formats: ['json', 'jsonl', 'csv'], partBytes: undefined },
      { formats: ['json', 'jsonl', 'csv'], partBytes: PART_BYTES },
      { formats: ['bundle'], partBytes: PART_BYTES },
    ])(
      'writes the same archive, byte for byte, as one read ($formats, part size $partBytes)',
      async ({ formats, partBytes }) => {
        const purpose = formats.includes('bundle') ? 'duplication' : 'migration';
        const single = await archiveOf(spec(purpose, formats), deps(partBytes));
        const queue = inProcessPieces({ catalog, source, storage });
        const split = await archiveOf(spec(purpose, formats), deps(partBytes, queue));

        // Categories with composite keys and with UUID keys were cut into several ranges.
        const ranges = new Map<string, number>();
        for (const piece of queue.sent) {
          ranges.set(piece.category, (ranges.get(piece.category) ?? 0) + 1);
        }
        const manyRanges = catalog.categories.filter(
          (c): c is IncludedCategory =>
            c.included && (ranges.get(c.name) ?? 0) / formats.length > 2,
        );
        expect(manyRanges.some((c) => c.primaryKey.length > 1)).toBe(true);
        expect(
          manyRanges.some((c) => c.fields.find((f) => f.name === c.primaryKey[0])?.type === 'uuid'),
        ).toBe(platform.name === 'northwind-crm');
        if (partBytes !== undefined) {
          expect(JSON.stringify(split.manifest)).toMatch(/part-00002/);
        }
        expect(split.manifest.content_sha256).toBe(single.manifest.content_sha256);
        expect(split.sha256).toBe(single.sha256);
        expect(split.bytes).toBe(single.bytes);
        // The pieces are gone once the archive is written.
        expect(
          await readdir(join(dir, 'store', 'pieces', 'exp_split_test')).catch(() => []),
        ).toEqual([]);
      },
    );

    it('writes the archive again rather than mix snapshots when a piece finds its snapshot gone', async () => {
      const inner = inProcessPieces({ catalog, source, storage });
      // The first piece is sent with a snapshot id that no transaction holds.
      const queue: PieceQueue = {
        send: (pieces) =>
          inner.send(
            pieces.map((p, i) => (i === 0 ? { ...p, snapshotId: '00000003-0000001B-1' } : p)),
          ),
        states: (ids) => inner.states(ids),
        cancel: (ids) => inner.cancel(ids),
      };
      await expect(archiveOf(spec('migration', ['jsonl']), deps(undefined, queue))).rejects.toThrow(
        PieceLostError,
      );
      expect(await readdir(join(dir, 'store', 'pieces', 'exp_split_test')).catch(() => [])).toEqual(
        [],
      );
    });

    it('stops waiting for its pieces when the export is stopped, and drops their jobs', async () => {
      const canceled: string[] = [];
      let sent = 0;
      const stopped = new AbortController();
      // A queue whose pieces never run: the export waits until it is stopped.
      const queue: PieceQueue = {
        send: (pieces) => {
          sent = pieces.length;
          setImmediate(() => stopped.abort(new Error('lease lost')));
          return Promise.resolve(pieces.map((_, i) => `job-${i}`));
        },
        states: (ids) => Promise.resolve(ids.map(() => ({ kind: 'waiting' as const }))),
        cancel: (ids) => {
          canceled.push(...ids);
          return Promise.resolve();
        },
      };
      await expect(
        produceArchive(
          spec('migration', ['jsonl']),
          deps(undefined, queue),
          new Writable({ write: (_chunk, _encoding, done) => done() }),
          { onProgress: () => undefined, signal: stopped.signal },
        ),
      ).rejects.toThrow(/lease lost/);
      expect(sent).toBeGreaterThan(0);
      expect(canceled).toHaveLength(sent);
    });

    it('refuses a piece written by another attempt', async () => {
      const inner = inProcessPieces({ catalog, source, storage });
      const queue: PieceQueue = {
        send: (pieces) =>
          inner.send(pieces.map((p, i) => (i === 1 ? { ...p, stamp: `${p.stamp}-stale` } : p))),
        states: (ids) => inner.states(ids),
        cancel: (ids) => inner.cancel(ids),
      };
      await expect(archiveOf(spec('migration', ['csv']), deps(undefined, queue))).rejects.toThrow(
        /written by another attempt/,
      );
      expect(pieceKey('exp_split_test', 'tasks', 'csv', 2)).toBe(
        'pieces/exp_split_test/tasks.csv.00002',
      );
    });
  },
);
