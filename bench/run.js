// `npm run bench`: times Portage's export of the largest demo tenant's tasks
// against PostgreSQL's own tools on the same rows, and records Portage's peak
// memory at two tenant sizes; then the same tasks exported from MySQL/MariaDB
// against `mysql --batch | zip -1` (`--skip-mysql` leaves that section out).
// See docs/performance.md.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalogFile } from '../dist/catalog/index.js';
import { DEMO_CATALOG_FILE } from '../dist/demo/paths.js';
import { benchDatabase, queryBench } from './bench-database.js';
import { mysqlBenchDatabase, mysqlMeasures, queryMysql } from './mysql-bench.js';
import { portageMeasure, tasksMeasures } from './measures.js';
import { formatTable, round2, summarize } from './report.js';
import { URL } from 'node:url';
import process from 'node:process';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: '500' },
    runs: { type: 'string', default: '3' },
    small: { type: 'string', default: 'initech' },
    'skip-mysql': { type: 'boolean', default: false },
  },
});
const scale = Number(options.scale);
const runs = Number(options.runs);
if (!(scale > 0) || !Number.isInteger(runs) || runs < 1) {
  throw new RangeError(
    'usage: npm run bench -- [--scale N (default 500)] [--runs N (default 3)] [--small TENANT] [--skip-mysql]',
  );
}
const BIG = 'acme';
const SMALL = options.small ?? 'initech';
const RSS_BAR = 200 * 2 ** 20;

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

const work = await mkdtemp(join(tmpdir(), 'portage-bench-'));
try {
  const database = await benchDatabase(scale, join(tmpdir(), `portage-bench-files-${scale}`), log);
  const tasks = loadCatalogFile(DEMO_CATALOG_FILE).categories.find((c) => c.name === 'tasks');
  if (!tasks || !tasks.included) throw new Error('the demo catalog has no included tasks category');
  const ctx = {
    url: database.url,
    columns: tasks.fields.map((f) => f.name),
    dataDir: join(work, 'portage'),
  };
  /** @type {Record<string, number>} */
  const rows = {};
  for (const tenant of [BIG, SMALL]) {
    const [counted] = await queryBench(
      ctx.url,
      'SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1',
      [tenant],
    );
    rows[tenant] = Number(counted?.n ?? 0);
  }
  const measures = [
    ...tasksMeasures(ctx, BIG),
    portageMeasure(ctx, SMALL, 'csv'),
    portageMeasure(ctx, SMALL, 'jsonl'),
  ];
  log(
    `${BIG}: ${rows[BIG]} tasks, ${SMALL}: ${rows[SMALL]} tasks; ${runs} runs of ${measures.length} measures.`,
  );

  // Warm-up, not recorded: brings the table into the caches and creates Portage's state.
  await /** @type {import('./measures.js').Measure} */ (measures[0]).run(work);
  await portageMeasure(ctx, SMALL, 'csv').run(work);

  /** @type {Map<string, { ms: number, bytes: number, peakRss: number | null }[]>} */
  const timings = new Map(measures.map((m) => [`${m.tenant}:${m.id}`, []]));
  // Round-robin, so that a noisy minute on a shared machine spreads over all measures.
  for (let round = 1; round <= runs; round++) {
    for (const measure of measures) {
      const run = await measure.run(work);
      timings.get(`${measure.tenant}:${measure.id}`)?.push(run);
      log(
        `run ${round}/${runs} ${measure.tenant} ${measure.label}: ${(run.ms / 1000).toFixed(2)} s`,
      );
    }
  }
  const results = measures.map((m) =>
    summarize(m, rows[m.tenant] ?? 0, timings.get(`${m.tenant}:${m.id}`) ?? []),
  );
  const byKey = new Map(results.map((r) => [`${r.tenant}:${r.id}`, r]));
  /** @type {Record<string, number>} */
  const ratios = {};
  for (const [portage, baseline] of [
    ['portage_csv', 'copy_csv_zip'],
    ['portage_jsonl', 'row_to_json_zip'],
  ]) {
    const p = byKey.get(`${BIG}:${portage}`);
    const b = byKey.get(`${BIG}:${baseline}`);
    if (p && b) ratios[`${BIG}:${portage}`] = round2(p.median_ms / b.median_ms);
  }
  const peak = (/** @type {string} */ tenant) =>
    Math.max(...results.filter((r) => r.tenant === tenant).flatMap((r) => r.peak_rss_bytes ?? []));
  const bars = {
    csv_ratio_at_most_1: (ratios[`${BIG}:portage_csv`] ?? Infinity) <= 1,
    jsonl_ratio_at_most_1: (ratios[`${BIG}:portage_jsonl`] ?? Infinity) <= 1,
    peak_rss_at_most_200_mib: Math.max(peak(BIG), peak(SMALL)) <= RSS_BAR,
  };
  const mysqlSection = options['skip-mysql'] ? null : await benchMysql(ctx.columns);
  const [version] = await queryBench(ctx.url, 'SELECT version()');
  const date = new Date().toISOString();
  const report = {
    date,
    scale,
    runs,
    tenants: rows,
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? null,
      memory_bytes: totalmem(),
      node: process.version,
      postgres: String(version?.version ?? ''),
    },
    database: { name: database.name, loaded_now: database.loadedNow, load_ms: database.loadMs },
    results,
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k.split(':')[1], v])),
    peak_rss_bytes: { [BIG]: peak(BIG), [SMALL]: peak(SMALL) },
    bars,
    mysql: mysqlSection && { ...mysqlSection, ratioKeys: undefined },
  };
  process.stdout.write(`\n${formatTable(results, ratios)}\n\n`);
  process.stdout.write(
    `peak RSS: ${BIG} ${(peak(BIG) / 2 ** 20).toFixed(0)} MiB, ${SMALL} ${(peak(SMALL) / 2 ** 20).toFixed(0)} MiB\n`,
  );
  process.stdout.write(`bars: ${JSON.stringify(bars)}\n`);
  if (mysqlSection !== null) {
    process.stdout.write(`\nMySQL (${mysqlSection.server}):\n`);
    process.stdout.write(`${formatTable(mysqlSection.results, mysqlSection.ratioKeys)}\n`);
  }
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`${date.slice(0, 10)}-${scale}.json`, dir);
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  log(`Wrote ${file.pathname}`);
} finally {
  await rm(work, { recursive: true, force: true });
}

/**
 * The MySQL section: the same demo scale loaded into MySQL/MariaDB, the big
 * tenant's tasks exported by Portage as csv and by `mysql --batch | zip -1`,
 * round-robin as above.
 *
 * @param {readonly string[]} columns
 */
async function benchMysql(columns) {
  const database = await mysqlBenchDatabase(
    scale,
    join(tmpdir(), `portage-bench-mysql-files-${scale}`),
    log,
  );
  const ctx = { url: database.url, columns, dataDir: join(work, 'portage-mysql') };
  const [counted] = /** @type {{ n: number | string }[]} */ (
    await queryMysql(ctx.url, `SELECT count(*) AS n FROM tasks WHERE tenant_id = '${BIG}'`)
  );
  const rows = Number(counted?.n ?? 0);
  const measures = mysqlMeasures(ctx, BIG);
  await /** @type {import('./measures.js').Measure} */ (measures[1]).run(work);
  /** @type {Map<string, { ms: number, bytes: number, peakRss: number | null }[]>} */
  const timings = new Map(measures.map((m) => [m.id, []]));
  for (let round = 1; round <= runs; round++) {
    for (const measure of measures) {
      const run = await measure.run(work);
      timings.get(measure.id)?.push(run);
      log(`run ${round}/${runs} MySQL ${measure.label}: ${(run.ms / 1000).toFixed(2)} s`);
    }
  }
  const results = measures.map((m) => summarize(m, rows, timings.get(m.id) ?? []));
  const [baseline, portage] = results;
  const ratio = portage && baseline ? round2(portage.median_ms / baseline.median_ms) : null;
  const [version] = /** @type {{ v: string }[]} */ (
    await queryMysql(ctx.url, 'SELECT version() AS v')
  );
  return {
    server: String(version?.v ?? ''),
    database: { name: database.name, loaded_now: database.loadedNow, load_ms: database.loadMs },
    tenant_rows: rows,
    results,
    ratio_portage_csv_to_mysql_batch_zip: ratio,
    ratioKeys: ratio === null ? {} : { [`${BIG}:mysql_portage_csv`]: ratio },
  };
}
