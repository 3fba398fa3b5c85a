// `node bench/side-by-side.js --before DIR [--scale N] [--runs N]`: acme's
// tasks exported by two built checkouts of Portage (this one, and an older
// one at DIR), csv and jsonl, round-robin with the PostgreSQL baselines, one
// line per run with its wall and CPU time, peak RSS and the 1-minute load
// before it. For before/after comparisons on a machine that is never idle:
// every figure is taken next to the others, under the same load. The bench
// database must exist (`npm run bench -- --scale N` creates it). See
// docs/performance.md.
import { loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import process from 'node:process';
import { URL } from 'node:url';
import { loadCatalogFile } from '../dist/catalog/index.js';
import { DEMO_CATALOG_FILE } from '../dist/demo/index.js';
import { portageMeasure, tasksMeasures } from './measures.js';

const { values: options } = parseArgs({
  options: {
    before: { type: 'string' },
    scale: { type: 'string', default: '500' },
    runs: { type: 'string', default: '2' },
  },
});
if (options.before === undefined) {
  throw new RangeError('usage: node bench/side-by-side.js --before DIR [--scale N] [--runs N]');
}
const base =
  process.env.PORTAGE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(base);
url.pathname = `/portage_bench_${options.scale}`;
const tasks = loadCatalogFile(DEMO_CATALOG_FILE).categories.find((c) => c.name === 'tasks');
if (!tasks) throw new Error('the demo catalog has no tasks category');
const work = await mkdtemp(join(tmpdir(), 'portage-side-by-side-'));
try {
  /** @param {string} name */
  const ctx = (name) => ({
    url: url.toString(),
    columns: tasks.fields.map((f) => f.name),
    dataDir: join(work, `data-${name}`),
  });
  const older = /** @type {typeof import('./measures.js')} */ (
    await import(join(resolve(options.before), 'bench', 'measures.js'))
  );
  const baselines = tasksMeasures(ctx('baseline'), 'acme');
  const measures = ['csv', 'jsonl'].flatMap((format) => [
    { name: `before ${format}`, measure: older.portageMeasure(ctx('before'), 'acme', format) },
    { name: `after ${format}`, measure: portageMeasure(ctx('after'), 'acme', format) },
    {
      name: format === 'csv' ? 'copy csv | zip -1' : 'copy row_to_json | zip -1',
      measure: baselines.find(
        (m) => m.id === (format === 'csv' ? 'copy_csv_zip' : 'row_to_json_zip'),
      ),
    },
  ]);
  for (let run = 0; run < Number(options.runs); run++) {
    for (const { name, measure } of measures) {
      const load = loadavg()[0] ?? 0;
      const result = await measure.run(work);
      const rss =
        result.peakRss === null ? '' : `  peak RSS ${Math.round(result.peakRss / 2 ** 20)} MiB`;
      process.stdout.write(
        `${name.padEnd(26)} ${(result.ms / 1000).toFixed(2)} s  CPU ${(result.cpuMs / 1000).toFixed(2)} s` +
          `${rss}  load ${load.toFixed(2)}\n`,
      );
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
