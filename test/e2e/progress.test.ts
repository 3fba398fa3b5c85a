import { Writable } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildProgress } from '../../src/archive/index.js';
import { loadCatalogFile } from '../../src/catalog/index.js';
import { DEMO_CATALOG_FILE } from '../../src/demo/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { openSource } from '../../src/sources/index.js';
import { demoDatabase } from '../support/portage-server.js';

describe('progress while an archive is written', () => {
  it('moves forward batch by batch and ends at the totals', async () => {
    const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
    const source = openSource(demoDatabase());
    const seen: BuildProgress[] = [];
    let bytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    });
    try {
      const result = await produceArchive(
        {
          exportId: 'exp_progress',
          tenant: 'acme',
          purpose: 'migration',
          // Several formats: each record still counts once.
          formats: ['json', 'jsonl', 'csv'],
          categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
          csv: { bom: false, formulaProtection: false },
          generatedAt: new Date(),
        },
        { catalog, source, settings: { filesDir: join(demoDatabase(), '..', 'demo-files') } },
        sink,
        { onProgress: (p) => seen.push(p), signal: new AbortController().signal },
      );
      expect(seen.length).toBeGreaterThan(10);
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.rowsWritten).toBeGreaterThanOrEqual(seen[i - 1]!.rowsWritten);
        expect(seen[i]!.bytesWritten).toBeGreaterThanOrEqual(seen[i - 1]!.bytesWritten);
        expect(seen[i]!.categoriesDone).toBeGreaterThanOrEqual(seen[i - 1]!.categoriesDone);
      }
      const last = seen.at(-1)!;
      expect(last.categoriesDone).toBe(last.categoriesTotal);
      const rows = result.manifest.categories.reduce(
        (n, c) => n + ('rows' in c && c.rows ? c.rows : 0),
        0,
      );
      expect(last.rowsWritten).toBe(rows);
      expect(bytes).toBe(result.bytes);
    } finally {
      await source.close();
    }
  });

  it('stops between batches when aborted, with the reason', async () => {
    const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
    const source = openSource(demoDatabase());
    const controller = new AbortController();
    const sink = new Writable({ write: (_c, _e, done) => done() });
    try {
      const run = produceArchive(
        {
          exportId: 'exp_abort',
          tenant: 'acme',
          purpose: 'migration',
          formats: ['json'],
          categories: ['tasks'],
          csv: { bom: false, formulaProtection: false },
          generatedAt: new Date(),
        },
        { catalog, source, settings: { filesDir: '/nonexistent' } },
        sink,
        {
          onProgress: (p) => p.rowsWritten > 0 && controller.abort(new Error('canceled by test')),
          signal: controller.signal,
        },
      );
      await expect(run).rejects.toThrow();
      expect(controller.signal.aborted).toBe(true);
    } finally {
      await source.close();
    }
  });
});
