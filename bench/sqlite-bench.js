// The SQLite section of `npm run bench`: Portage's csv and jsonl exports of a
// tenant's tasks from a SQLite file against `sqlite3 -csv | zip -1` and
// `sqlite3 -json | zip -1` on the same rows, measured in the same run.
// See docs/performance.md.
import { spawn } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { portageMeasure, tasksSelect, timed, uncompressedBytes } from './measures.js';

const PORTAGE_BIN = fileURLToPath(new URL('../bin/portage.js', import.meta.url));

/**
 * The demo platform at `scale` in a SQLite file under `dir`, loaded with
 * `portage demo --scale <scale>` unless a complete load is there already (a
 * `complete` file beside it marks one).
 *
 * @param {number} scale
 * @param {string} dir
 * @param {(line: string) => void} log
 * @returns {Promise<{ file: string, loadedNow: boolean, loadMs: number | null }>}
 */
export async function sqliteBenchDatabase(scale, dir, log) {
  const file = join(dir, 'demo-platform.sqlite');
  const marker = join(dir, 'complete');
  const done = await access(marker).then(
    () => true,
    () => false,
  );
  if (done) return { file, loadedNow: false, loadMs: null };
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`Loading the demo platform at scale ${scale} into ${file} …`);
  const started = performance.now();
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PORTAGE_BIN, 'demo', '--scale', String(scale)], {
      env: { ...process.env, PORTAGE_DATA_DIR: dir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(undefined) : reject(new Error(`portage demo exited with ${code}`)),
    );
  });
  const loadMs = Math.round(performance.now() - started);
  await writeFile(marker, `scale ${scale}\n`);
  return { file, loadedNow: true, loadMs };
}

/**
 * `sqlite3 -csv -header` and `sqlite3 -json` of the tenant's tasks, each piped
 * into `zip -1`, then Portage's csv and jsonl exports of the same rows.
 *
 * @param {import('./measures.js').MeasureContext} ctx - `url` is the SQLite file.
 * @param {string} tenant
 * @returns {import('./measures.js').Measure[]}
 */
export function sqliteMeasures(ctx, tenant) {
  const select = tasksSelect(ctx.columns, tenant);
  /** @param {string} mode - `-csv -header` or `-json`. */
  const zipped = (mode) => async (/** @type {string} */ dir) => {
    const out = join(dir, 'baseline.zip');
    await rm(out, { force: true });
    const { ms, cpuMs } = await timed(
      'bash',
      ['-o', 'pipefail', '-c', `sqlite3 ${mode} "$DB" "$SQL" | zip -1 -q "$OUT" -`],
      { DB: ctx.url, SQL: select, OUT: out },
    );
    return { ms, cpuMs, bytes: await uncompressedBytes(out, () => true), peakRss: null };
  };
  return [
    {
      id: 'sqlite3_csv_zip',
      label: 'sqlite3 -csv | zip -1',
      kind: 'baseline',
      tenant,
      format: null,
      run: zipped('-csv -header'),
    },
    {
      id: 'sqlite3_json_zip',
      label: 'sqlite3 -json | zip -1',
      kind: 'baseline',
      tenant,
      format: null,
      run: zipped('-json'),
    },
    portageMeasure(ctx, tenant, 'csv'),
    portageMeasure(ctx, tenant, 'jsonl'),
  ];
}
