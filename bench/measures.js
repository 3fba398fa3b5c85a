import { spawn } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const PORTAGE_BIN = fileURLToPath(new URL('../bin/portage.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

/**
 * One timed run: wall time, CPU time (user + system, of every process of the
 * run), the uncompressed size of the data it wrote, and,
 * for a Portage run, the process's peak resident set size.
 *
 * @typedef {{ ms: number, cpuMs: number, bytes: number, peakRss: number | null }} Run
 */

/**
 * A command the bench times, run the same way each time.
 *
 * @typedef {object} Measure
 * @property {string} id - Short key, used in the result file.
 * @property {string} label - What the table shows.
 * @property {'baseline' | 'portage'} kind
 * @property {string} tenant
 * @property {string | null} format - `csv` or `jsonl` for a Portage export.
 * @property {(dir: string) => Promise<Run>} run - Runs it once, writing under `dir`.
 */

/**
 * What every measure needs: the bench database, the tenant's `tasks` columns in
 * catalog order, and where the Portage runs keep their state.
 *
 * @typedef {object} MeasureContext
 * @property {string} url - The bench database.
 * @property {readonly string[]} columns - The `tasks` category's fields, in catalog order.
 * @property {string} dataDir - `PORTAGE_DATA_DIR` of the Portage runs.
 */

/**
 * The SELECT of a tenant's tasks as Portage reads them: the catalog's columns
 * in its order, primary-key order.
 *
 * @param {readonly string[]} columns
 * @param {string} tenant
 * @returns {string}
 */
export function tasksSelect(columns, tenant) {
  const list = columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
  return `SELECT ${list} FROM tasks WHERE tenant_id = '${tenant.replaceAll("'", "''")}' ORDER BY id`;
}

/**
 * The baselines PostgreSQL's own tools give for the same rows and columns, and
 * Portage's `csv` and `jsonl` exports of the tenant's `tasks`.
 *
 * @param {MeasureContext} ctx
 * @param {string} tenant
 * @returns {Measure[]}
 */
export function tasksMeasures(ctx, tenant) {
  const select = tasksSelect(ctx.columns, tenant);
  /** @param {string} copy - The `\copy` command's text. */
  const zipped = (copy) => async (/** @type {string} */ dir) => {
    const out = join(dir, 'baseline.zip');
    await rm(out, { force: true });
    const { ms, cpuMs } = await timed(
      'bash',
      ['-o', 'pipefail', '-c', 'psql -X -q "$URL" -c "$COPY" | zip -1 -q "$OUT" -'],
      {
        URL: ctx.url,
        COPY: copy,
        OUT: out,
      },
    );
    return { ms, cpuMs, bytes: await uncompressedBytes(out, () => true), peakRss: null };
  };
  return [
    {
      id: 'copy_csv_file',
      label: '\\copy … csv to a file',
      kind: 'baseline',
      tenant,
      format: null,
      run: async (dir) => {
        const out = join(dir, 'baseline.csv');
        const { ms, cpuMs } = await timed(
          'psql',
          ['-X', '-q', ctx.url, '-c', `\\copy (${select}) TO '${out}' csv header`],
          {},
        );
        const bytes = (await stat(out)).size;
        await rm(out, { force: true });
        return { ms, cpuMs, bytes, peakRss: null };
      },
    },
    {
      id: 'copy_csv_zip',
      label: '\\copy … csv | zip -1',
      kind: 'baseline',
      tenant,
      format: null,
      run: zipped(`\\copy (${select}) TO STDOUT csv header`),
    },
    {
      id: 'row_to_json_zip',
      label: '\\copy row_to_json | zip -1',
      kind: 'baseline',
      tenant,
      format: null,
      // CSV with quote and delimiter characters JSON text never holds raw: each line passes through untouched.
      run: zipped(
        `\\copy (SELECT row_to_json(t) FROM (${select}) t) TO STDOUT csv quote e'\\x01' delimiter e'\\x02'`,
      ),
    },
    portageMeasure(ctx, tenant, 'csv'),
    portageMeasure(ctx, tenant, 'jsonl'),
  ];
}

/**
 * `portage export --tenant <tenant> --purpose migration --formats <format>
 * --categories tasks`, as a child process, its peak RSS recorded.
 *
 * @param {MeasureContext} ctx
 * @param {string} tenant
 * @param {'csv' | 'jsonl'} format
 * @returns {Measure}
 */
export function portageMeasure(ctx, tenant, format) {
  return {
    id: `portage_${format}`,
    label: `portage export ${format}`,
    kind: 'portage',
    tenant,
    format,
    run: async (dir) => {
      const out = join(dir, `portage-${format}.zip`);
      const rssFile = join(dir, 'peak-rss');
      await rm(out, { force: true });
      const args = ['--import', PEAK_RSS, PORTAGE_BIN, 'export', '--tenant', tenant];
      args.push(
        '--purpose',
        'migration',
        '--formats',
        format,
        '--categories',
        'tasks',
        '--out',
        out,
      );
      const { ms, cpuMs } = await timed(process.execPath, args, {
        PORTAGE_SOURCE_URL: ctx.url,
        PORTAGE_DATA_DIR: ctx.dataDir,
        PORTAGE_BENCH_RSS_FILE: rssFile,
      });
      const bytes = await uncompressedBytes(out, (name) => name.startsWith('data/'));
      const peakRss = Number(await readFile(rssFile, 'utf8'));
      return { ms, cpuMs, bytes, peakRss };
    },
  };
}

/**
 * Runs a command to its end and returns its wall time and the CPU time (user +
 * system) of it and all its processes, in milliseconds. The CPU time is what
 * bash's `times` reports for its children, so a pipeline counts whole.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} env - Added to this process's environment.
 * @returns {Promise<{ ms: number, cpuMs: number }>}
 */
export function timed(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const script = '"$@"; status=$?; times >&2; exit $status';
    const child = spawn('bash', ['-c', script, 'bash', command, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr = (stderr + text).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      // The last line of `times`: the children's user and system time, as `0m1.234s 0m0.056s`.
      const last = stderr.trimEnd().split('\n').at(-1) ?? '';
      const cpu = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map(
        ([, m, s]) => Number(m) * 60_000 + Number(s) * 1000,
      );
      if (code === 0) resolve({ ms, cpuMs: Math.round((cpu[0] ?? NaN) + (cpu[1] ?? NaN)) });
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/**
 * The total uncompressed size of the entries of a zip that `include` selects.
 *
 * @param {string} file
 * @param {(name: string) => boolean} include
 * @returns {Promise<number>}
 */
export function uncompressedBytes(file, include) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      let total = 0;
      zip.on('entry', (/** @type {yauzl.Entry} */ entry) => {
        if (include(entry.fileName)) total += entry.uncompressedSize;
        zip.readEntry();
      });
      zip.on('end', () => resolve(total));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
