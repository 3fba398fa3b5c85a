// `npm run bench`: times Portage's export of the largest demo tenant's tasks
// against PostgreSQL's own tools on the same rows, and records Portage's peak
// memory at two tenant sizes; then the same tasks exported from a SQLite file
// against `sqlite3 | zip -1`, and from MySQL/MariaDB against
// `mysql --batch | zip -1`; last, how fast `portage serve` answers while it
// runs an export, against the same server idle; and the import of a whole
// tenant's bundle against its export, with the peak memory of a full
// migration export. Each section can be left out (`--skip-postgres`,
// `--skip-sqlite`, `--skip-mysql`, `--skip-api`, `--skip-import`). A run is recorded only on a quiet machine
// (bench/rounds.js). See docs/performance.md.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalogFile } from '../dist/catalog/index.js';
import { DEMO_CATALOG_FILE } from '../dist/demo/index.js';
import { benchApi } from './api-bench.js';
import { benchDatabase, queryBench } from './bench-database.js';
import { bundleRows, importMeasures } from './import-bench.js';
import { mysqlBenchDatabase, mysqlMeasures, queryMysql } from './mysql-bench.js';
import { portageMeasure, tasksMeasures } from './measures.js';
import { formatTable, round2, summarize } from './report.js';
import { MAX_LOAD, runRounds } from './rounds.js';
import { sqliteBenchDatabase, sqliteMeasures } from './sqlite-bench.js';
import { URL } from 'node:url';
import process from 'node:process';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: '500' },
    'sqlite-scale': { type: 'string', default: '100' },
    'import-scale': { type: 'string' },
    runs: { type: 'string', default: '3' },
    small: { type: 'string', default: 'initech' },
    'skip-postgres': { type: 'boolean', default: false },
    'skip-sqlite': { type: 'boolean', default: false },
    'skip-mysql': { type: 'boolean', default: false },
    'skip-api': { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    label: { type: 'string' },
  },
});
const scale = Number(options.scale);
const sqliteScale = Number(options['sqlite-scale']);
const importScale = Number(options['import-scale'] ?? options.scale);
const runs = Number(options.runs);
const label = options.label ?? null;
if (label !== null && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(label)) {
  throw new RangeError(
    `--label ${JSON.stringify(label)}: expected 1–40 lowercase letters, digits and dashes, as it names the result file`,
  );
}
if (
  !(scale > 0) ||
  !(sqliteScale > 0) ||
  !(importScale > 0) ||
  !Number.isInteger(runs) ||
  runs < 1
) {
  throw new RangeError(
    'usage: npm run bench -- [--scale N (default 500)] [--sqlite-scale N (default 100)] ' +
      '[--import-scale N (default: --scale)] [--runs N (default 3)] [--small TENANT] ' +
      '[--skip-postgres] [--skip-sqlite] [--skip-mysql] [--skip-api] [--skip-import] [--label NAME]',
  );
}
const BIG = 'acme';
const SMALL = options.small ?? 'initech';
const RSS_BAR = 200 * 2 ** 20;

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

/** @typedef {import('./report.js').MeasureResult} MeasureResult */

const work = await mkdtemp(join(tmpdir(), 'portage-bench-'));
try {
  const tasks = loadCatalogFile(DEMO_CATALOG_FILE).categories.find((c) => c.name === 'tasks');
  if (!tasks || !tasks.included) throw new Error('the demo catalog has no included tasks category');
  const columns = tasks.fields.map((f) => f.name);
  log(`Runs are recorded at a 1-minute load average of at most ${MAX_LOAD}.`);
  const postgres = options['skip-postgres'] ? null : await benchPostgres(columns);
  const sqlite = options['skip-sqlite'] ? null : await benchSqlite(columns);
  const mysqlSection = options['skip-mysql'] ? null : await benchMysql(columns);
  const api = options['skip-api'] ? null : await benchApiSection();
  const imports = options['skip-import'] ? null : await benchImportSection();
  const date = new Date().toISOString();
  for (const section of [postgres, sqlite, mysqlSection, api, imports]) {
    if (section) process.stdout.write(`\n${section.table}\n`);
  }
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const suffix = label === null ? '' : `-${label}`;
  const file = new URL(`${date.slice(0, 10)}-${scale}${suffix}.json`, dir);
  // A run that skipped a section keeps that section of an earlier run of the
  // same day, scale and label, each section with the date it was measured: a
  // label keeps the figures of another version of the code measured the same
  // day apart.
  const earlier = await readEarlier(file);
  const report = {
    date,
    scale,
    runs,
    max_load: MAX_LOAD,
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? null,
      memory_bytes: totalmem(),
      node: process.version,
    },
    ...(postgres ? { ...postgres, table: undefined, postgres_date: date } : postgresOf(earlier)),
    sqlite: sqlite ? { ...sqlite, table: undefined, date } : (earlier?.sqlite ?? null),
    mysql: mysqlSection ? { ...mysqlSection, table: undefined, date } : (earlier?.mysql ?? null),
    api: api ? { ...api, table: undefined, date } : (earlier?.api ?? null),
    import: imports ? { ...imports, table: undefined, date } : (earlier?.import ?? null),
  };
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  log(`Wrote ${file.pathname}`);
} finally {
  await rm(work, { recursive: true, force: true });
}

/**
 * The result recorded earlier in `file`, if any, with a date on each of its
 * sections (results written before sections carried their own date take the
 * file's).
 *
 * @param {URL} file
 * @returns {Promise<Record<string, any> | null>}
 */
async function readEarlier(file) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return null;
    throw error;
  }
  const earlier = JSON.parse(text);
  for (const name of ['sqlite', 'mysql', 'api', 'import']) {
    if (earlier[name] && !earlier[name].date) earlier[name].date = earlier.date;
  }
  return earlier;
}

/**
 * The PostgreSQL section of an earlier result: every top-level key that is
 * neither the run's own description nor another section.
 *
 * @param {Record<string, any> | null} earlier
 */
function postgresOf(earlier) {
  if (!earlier) return {};
  const own = new Set([
    'date',
    'scale',
    'runs',
    'max_load',
    'machine',
    'sqlite',
    'mysql',
    'api',
    'import',
  ]);
  const section = Object.fromEntries(Object.entries(earlier).filter(([key]) => !own.has(key)));
  if (Object.keys(section).length === 0) return {};
  return { ...section, postgres_date: earlier.postgres_date ?? earlier.date };
}

/**
 * The measures' recorded results (those with at least one run recorded), and
 * the ratio of each Portage measure to its baseline where both were recorded.
 *
 * @param {Map<import('./measures.js').Measure, (import('./measures.js').Run & { load1: number })[]>} timings
 * @param {Record<string, number>} rows - Rows per tenant.
 * @param {readonly [string, string][]} pairs - [Portage measure id, baseline id], of tenant BIG.
 */
function results(timings, rows, pairs) {
  const recorded = [...timings].filter(([, r]) => r.length > 0);
  const summed = recorded.map(([m, r]) => summarize(m, rows[m.tenant] ?? 0, r));
  const byKey = new Map(summed.map((r) => [`${r.tenant}:${r.id}`, r]));
  /** @type {Record<string, number>} */
  const ratios = {};
  for (const [portage, baseline] of pairs) {
    const p = byKey.get(`${BIG}:${portage}`);
    const b = byKey.get(`${BIG}:${baseline}`);
    if (p && b) ratios[`${BIG}:${portage}`] = round2(p.median_ms / b.median_ms);
  }
  const missing = [...timings].filter(([, r]) => r.length === 0).map(([m]) => m.label);
  const notRecorded = missing.length === 0 ? '' : `\nnot recorded: ${missing.join(', ')}`;
  return { summed, ratios, table: formatTable(summed, ratios) + notRecorded };
}

/**
 * The PostgreSQL section: the baselines of PostgreSQL's tools and Portage's
 * exports of BIG's tasks, and Portage's exports of SMALL's for its memory.
 *
 * @param {readonly string[]} columns
 */
async function benchPostgres(columns) {
  const database = await benchDatabase(scale, join(tmpdir(), `portage-bench-files-${scale}`), log);
  const ctx = { url: database.url, columns, dataDir: join(work, 'portage') };
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
  log(`PostgreSQL: ${BIG} ${rows[BIG]} tasks, ${SMALL} ${rows[SMALL]} tasks.`);
  // Warm-up, not recorded: brings the table into the caches and creates Portage's state.
  await /** @type {import('./measures.js').Measure} */ (measures[0]).run(work);
  await portageMeasure(ctx, SMALL, 'csv').run(work);
  const timings = await runRounds(measures, runs, work, log);
  const { summed, ratios, table } = results(timings, rows, [
    ['portage_csv', 'copy_csv_zip'],
    ['portage_jsonl', 'row_to_json_zip'],
  ]);
  const peak = (/** @type {string} */ tenant) =>
    Math.max(...summed.filter((r) => r.tenant === tenant).flatMap((r) => r.peak_rss_bytes ?? []));
  const [version] = await queryBench(ctx.url, 'SELECT version()');
  return {
    postgres: String(version?.version ?? ''),
    tenants: rows,
    database: { name: database.name, loaded_now: database.loadedNow, load_ms: database.loadMs },
    results: summed,
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k.split(':')[1], v])),
    peak_rss_bytes: { [BIG]: peak(BIG), [SMALL]: peak(SMALL) },
    bars: {
      csv_ratio_at_most_1: (ratios[`${BIG}:portage_csv`] ?? Infinity) <= 1,
      jsonl_ratio_at_most_1: (ratios[`${BIG}:portage_jsonl`] ?? Infinity) <= 1,
      peak_rss_at_most_200_mib: Math.max(peak(BIG), peak(SMALL)) <= RSS_BAR,
    },
    table: `PostgreSQL:\n${table}\npeak RSS: ${BIG} ${(peak(BIG) / 2 ** 20).toFixed(0)} MiB, ${SMALL} ${(peak(SMALL) / 2 ** 20).toFixed(0)} MiB`,
  };
}

/**
 * The SQLite section: BIG's tasks at `--sqlite-scale` in a SQLite file,
 * exported by Portage as csv and jsonl and by `sqlite3 -csv`/`-json | zip -1`.
 *
 * @param {readonly string[]} columns
 */
async function benchSqlite(columns) {
  const dir = join(tmpdir(), `portage-bench-sqlite-${sqliteScale}`);
  const database = await sqliteBenchDatabase(sqliteScale, dir, log);
  const ctx = { url: database.file, columns, dataDir: join(work, 'portage-sqlite') };
  const rows = { [BIG]: 2000 * sqliteScale };
  const measures = sqliteMeasures(ctx, BIG);
  await /** @type {import('./measures.js').Measure} */ (measures[2]).run(work);
  const timings = await runRounds(measures, runs, work, log);
  const { summed, ratios, table } = results(timings, rows, [
    ['portage_csv', 'sqlite3_csv_zip'],
    ['portage_jsonl', 'sqlite3_json_zip'],
  ]);
  return {
    scale: sqliteScale,
    database: { file: database.file, loaded_now: database.loadedNow, load_ms: database.loadMs },
    tenant_rows: rows[BIG],
    results: summed,
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k.split(':')[1], v])),
    table: `SQLite (scale ${sqliteScale}):\n${table}`,
  };
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
  const rows = { [BIG]: Number(counted?.n ?? 0) };
  const measures = mysqlMeasures(ctx, BIG);
  await /** @type {import('./measures.js').Measure} */ (measures[1]).run(work);
  const timings = await runRounds(measures, runs, work, log);
  const { summed, ratios, table } = results(timings, rows, [
    ['mysql_portage_csv', 'mysql_batch_zip'],
  ]);
  const [version] = /** @type {{ v: string }[]} */ (
    await queryMysql(ctx.url, 'SELECT version() AS v')
  );
  const server = String(version?.v ?? '');
  return {
    server,
    database: { name: database.name, loaded_now: database.loadedNow, load_ms: database.loadMs },
    tenant_rows: rows[BIG],
    results: summed,
    ratio_portage_csv_to_mysql_batch_zip: ratios[`${BIG}:mysql_portage_csv`] ?? null,
    table: `MySQL (${server}):\n${table}`,
  };
}

/**
 * The API-latency section, on the SQLite platform of the SQLite section (the
 * embedded default `portage serve` runs on), exporting tenant BIG.
 */
async function benchApiSection() {
  const dir = join(tmpdir(), `portage-bench-sqlite-${sqliteScale}`);
  const database = await sqliteBenchDatabase(sqliteScale, dir, log);
  const section = await benchApi({
    sqliteFile: database.file,
    filesDir: join(dir, 'demo-files'),
    tenant: BIG,
    runs,
    work,
    log,
  });
  return { sqlite_scale: sqliteScale, ...section, table: section.table };
}

/**
 * The import section, on the PostgreSQL bench database at `--import-scale`:
 * BIG's whole duplication bundle exported, then imported (preserve) into an
 * empty copy of the schema, round-robin; the ratio of the import to the
 * export; and the peak RSS of each, of a full migration export of BIG and of
 * `portage serve` importing the bundle.
 */
async function benchImportSection() {
  const filesDir = join(tmpdir(), `portage-bench-files-${importScale}`);
  const database = await benchDatabase(importScale, filesDir, log);
  const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
  const account = catalog.account;
  if (account.source.kind !== 'table') throw new Error('the demo account is not a table');
  const ctx = {
    url: database.url,
    name: database.name,
    filesDir: join(filesDir, 'demo-files'),
    accountTable: account.source.table,
    accountKey: account.primaryKey[0] ?? 'id',
    dataDir: join(work, 'portage-import'),
  };
  const bundleDir = join(work, 'import-bundle');
  const measures = importMeasures(ctx, BIG, bundleDir);
  // Warm-up, not recorded: the bundle the first import reads, the caches, Portage's state.
  await /** @type {import('./measures.js').Measure} */ (measures[0]).run(work);
  const rows = { [BIG]: await bundleRows(join(bundleDir, 'bundle.zip')) };
  log(`Import: ${BIG}'s bundle holds ${rows[BIG]} rows (scale ${importScale}).`);
  const timings = await runRounds(measures, runs, work, log);
  const { summed, ratios, table } = results(timings, rows, [
    ['portage_import_preserve', 'portage_export_bundle'],
  ]);
  const ratio = ratios[`${BIG}:portage_import_preserve`] ?? null;
  // Beside the bar's ratio: the import against PostgreSQL loading the same rows itself.
  const median = (/** @type {string} */ id) => summed.find((r) => r.id === id)?.median_ms;
  const imported = median('portage_import_preserve');
  const loaded = median('postgres_load_rows');
  const ratioToLoad = imported && loaded ? round2(imported / loaded) : null;
  const peak = (/** @type {string} */ id) => {
    const found = summed.find((r) => r.id === id)?.peak_rss_bytes;
    return found ? Math.max(...found) : null;
  };
  const peaks = {
    export_bundle: peak('portage_export_bundle'),
    import_preserve: peak('portage_import_preserve'),
    export_migration_all: peak('portage_export_migration_all'),
    serve_importing: peak('portage_serve_import'),
    serve_importing_young_8: peak('portage_serve_import_young_8'),
  };
  const highest = Math.max(...Object.values(peaks).map((v) => v ?? Infinity));
  const mib = (/** @type {number | null} */ v) => (v === null ? '-' : (v / 2 ** 20).toFixed(0));
  return {
    scale: importScale,
    database: { name: database.name, loaded_now: database.loadedNow, load_ms: database.loadMs },
    bundle_rows: rows[BIG],
    results: summed,
    ratio_import_to_export: ratio,
    ratio_import_to_postgres_load: ratioToLoad,
    peak_rss_bytes: peaks,
    bars: {
      import_ratio_at_most_1_5: (ratio ?? Infinity) <= 1.5,
      peak_rss_at_most_200_mib: highest <= RSS_BAR,
    },
    table:
      `Import (scale ${importScale}, ${BIG}'s whole bundle; rows are the bundle's):\n${table}\n` +
      `import/export: ${ratio ?? '-'}; import/psql load of the same rows: ${ratioToLoad ?? '-'}; peak RSS MiB: export bundle ${mib(peaks.export_bundle)}, ` +
      `import ${mib(peaks.import_preserve)}, migration export json+csv ${mib(peaks.export_migration_all)}, ` +
      `serve importing ${mib(peaks.serve_importing)} (young generation 8 MiB: ${mib(peaks.serve_importing_young_8)})`,
  };
}
