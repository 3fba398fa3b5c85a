// The import section of `npm run bench`: Portage's import of a whole tenant's
// duplication bundle (preserve, into an empty copy of the platform's schema)
// against Portage's export of the same bundle and against PostgreSQL loading
// the same rows itself (`psql` replaying a data-only `pg_dump` of what the
// import wrote, in one transaction, every constraint in place), measured in
// the same run, and the peak memory of the largest export Portage writes, a full migration
// export. See docs/performance.md.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, output, untilHealthy } from './api-bench.js';
import { BENCH_SERVER_URL, queryBench } from './bench-database.js';
import { timed, uncompressedBytes } from './measures.js';

const PORTAGE_BIN = fileURLToPath(new URL('../bin/portage.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

/**
 * What the import measures need: the bench database, its attachment files,
 * the platform's account table (whose row for the tenant an import needs in
 * its target), and where the runs keep their state.
 *
 * @typedef {object} ImportContext
 * @property {string} url - The bench database (the export's source).
 * @property {string} name - Its name: the import target is `<name>_import`.
 * @property {string} filesDir - The bench database's attachment files.
 * @property {string} accountTable
 * @property {string} accountKey - The account table's key column (the tenant id).
 * @property {string} dataDir - `PORTAGE_DATA_DIR` of the runs.
 */

/**
 * The URL of the import target of `ctx`: the database `<bench database>_import`.
 *
 * @param {ImportContext} ctx
 * @returns {string}
 */
export function importTargetUrl(ctx) {
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${ctx.name}_import`;
  return url.toString();
}

/**
 * (Re)creates the import target as an empty copy of the bench database's
 * schema (`pg_dump --schema-only`), holding only the tenant's account row: an
 * import writes into a tenant the platform already has.
 *
 * @param {ImportContext} ctx
 * @param {string} tenant
 * @returns {Promise<string>} The target's URL.
 */
export async function emptyTarget(ctx, tenant) {
  const target = importTargetUrl(ctx);
  const name = `${ctx.name}_import`;
  const server = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.query(`CREATE DATABASE ${name}`);
  } finally {
    await server.end();
  }
  await timed(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      'pg_dump --schema-only --no-owner "$FROM" | psql -X -q -o /dev/null "$TO"',
    ],
    { FROM: ctx.url, TO: target },
  );
  const table = `"${ctx.accountTable.replaceAll('"', '""')}"`;
  const key = `"${ctx.accountKey.replaceAll('"', '""')}"`;
  const [account] = await queryBench(
    ctx.url,
    `SELECT row_to_json(t)::text AS row FROM ${table} t WHERE ${key} = $1`,
    [tenant],
  );
  if (!account) throw new Error(`the bench database has no account row for ${tenant}`);
  await queryBench(
    target,
    `INSERT INTO ${table} SELECT * FROM json_populate_record(NULL::${table}, $1)`,
    [account.row],
  );
  return target;
}

/**
 * Runs `portage <args>` as a child process with peak-RSS recording, and
 * returns its wall and CPU time and peak RSS.
 *
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @param {string} dir - Where the peak-RSS file is written.
 */
async function portageRun(args, env, dir) {
  const rssFile = join(dir, 'peak-rss');
  await rm(rssFile, { force: true });
  const { ms, cpuMs } = await timed(
    process.execPath,
    ['--import', PEAK_RSS, PORTAGE_BIN, ...args],
    {
      ...env,
      PORTAGE_BENCH_RSS_FILE: rssFile,
    },
  );
  const peakRss = Number(await readFile(rssFile, 'utf8'));
  return { ms, cpuMs, peakRss };
}

/**
 * The import section's measures, for `tenant`:
 *
 * - `portage export --purpose duplication --formats bundle` (every category),
 *   its bundle kept for the import;
 * - `portage import <bundle> --mode preserve --trusted` into an empty copy of
 *   the schema, recreated (untimed) before each run;
 * - `portage export --purpose migration --formats json,csv` (every category),
 *   for its peak memory above all;
 * - `portage serve` taking the same bundle through `POST /v1/imports` into
 *   an empty copy of the schema: the time from the upload to `completed`,
 *   and the server's peak memory.
 *
 * The bundle is written to `bundleDir` by the export measure, which runs
 * before the import in each round.
 *
 * @param {ImportContext} ctx
 * @param {string} tenant
 * @param {string} bundleDir
 * @returns {import('./measures.js').Measure[]}
 */
export function importMeasures(ctx, tenant, bundleDir) {
  const bundle = join(bundleDir, 'bundle.zip');
  const rowsSql = join(bundleDir, 'imported-rows.sql');
  const env = {
    PORTAGE_SOURCE_URL: ctx.url,
    PORTAGE_DATA_DIR: ctx.dataDir,
    PORTAGE_FILES_DIR: ctx.filesDir,
  };
  return [
    {
      id: 'portage_export_bundle',
      label: 'portage export bundle',
      kind: 'baseline',
      tenant,
      format: 'bundle',
      run: async (dir) => {
        await mkdir(bundleDir, { recursive: true });
        await rm(bundle, { force: true });
        const flags = ['--purpose', 'duplication', '--formats', 'bundle', '--out', bundle];
        const run = await portageRun(['export', '--tenant', tenant, ...flags], env, dir);
        const bytes = await uncompressedBytes(bundle, (name) => name.startsWith('data/'));
        return { ...run, bytes };
      },
    },
    {
      id: 'portage_import_preserve',
      label: 'portage import preserve',
      kind: 'portage',
      tenant,
      format: 'bundle',
      run: async (dir) => {
        const target = await emptyTarget(ctx, tenant);
        const files = join(dir, 'imported-files');
        await rm(files, { recursive: true, force: true });
        const flags = ['--tenant', tenant, '--mode', 'preserve', '--trusted'];
        const run = await portageRun(
          ['import', bundle, ...flags],
          { ...env, PORTAGE_SOURCE_URL: target, PORTAGE_FILES_DIR: files },
          dir,
        );
        await rm(files, { recursive: true, force: true });
        if (!existsSync(rowsSql)) await dumpImportedRows(ctx, target, rowsSql);
        const bytes = await uncompressedBytes(bundle, (name) => name.startsWith('data/'));
        return { ...run, bytes };
      },
    },
    {
      id: 'postgres_load_rows',
      label: 'psql load of the same rows',
      kind: 'baseline',
      tenant,
      format: 'sql',
      run: async () => {
        if (!existsSync(rowsSql)) throw new Error('the import measure has not dumped its rows yet');
        const target = await emptyTarget(ctx, tenant);
        const run = await timed(
          'psql',
          ['-X', '-q', '-o', '/dev/null', '-1', '-v', 'ON_ERROR_STOP=1', '-f', rowsSql, target],
          {},
        );
        const bytes = await uncompressedBytes(bundle, (name) => name.startsWith('data/'));
        return { ...run, bytes, peakRss: null };
      },
    },
    {
      id: 'portage_export_migration_all',
      label: 'portage export json+csv all',
      kind: 'portage',
      tenant,
      format: 'json,csv',
      run: async (dir) => {
        const out = join(dir, 'migration.zip');
        await rm(out, { force: true });
        const flags = ['--purpose', 'migration', '--formats', 'json,csv', '--out', out];
        const run = await portageRun(['export', '--tenant', tenant, ...flags], env, dir);
        const bytes = await uncompressedBytes(out, (name) => name.startsWith('data/'));
        await rm(out, { force: true });
        return { ...run, bytes };
      },
    },
    serveImportMeasure('portage_serve_import', 'portage serve importing', []),
    // As docs/deployment.md advises where serve imports under a memory limit.
    serveImportMeasure(
      'portage_serve_import_young_8',
      'portage serve importing, young gen. 8 MiB',
      ['--max-semi-space-size=4'],
    ),
  ];

  /**
   * `portage serve` started with `nodeFlags`, taking the bundle through
   * `POST /v1/imports` into a fresh empty copy of the schema.
   *
   * @param {string} id
   * @param {string} label
   * @param {string[]} nodeFlags
   * @returns {import('./measures.js').Measure}
   */
  function serveImportMeasure(id, label, nodeFlags) {
    return {
      id,
      label,
      kind: 'portage',
      tenant,
      format: 'bundle',
      run: async (dir) => {
        const target = await emptyTarget(ctx, tenant);
        const files = join(dir, 'imported-files');
        await rm(files, { recursive: true, force: true });
        const run = await serveImport(
          { ...env, PORTAGE_SOURCE_URL: target, PORTAGE_FILES_DIR: files },
          tenant,
          bundle,
          dir,
          nodeFlags,
        );
        await rm(files, { recursive: true, force: true });
        const bytes = await uncompressedBytes(bundle, (name) => name.startsWith('data/'));
        return { ...run, bytes };
      },
    };
  }
}

/**
 * Writes what the first import wrote as the data-only SQL script of
 * `pg_dump` (one `COPY … FROM stdin` per table, in an order its foreign keys
 * allow), less the account row the empty target holds already: the
 * baseline replays it into an empty target with `psql` in one transaction,
 * every constraint and index of the schema in place, as the import has them.
 *
 * @param {ImportContext} ctx
 * @param {string} target - The URL of the imported database.
 * @param {string} file
 */
async function dumpImportedRows(ctx, target, file) {
  const table = `public.${ctx.accountTable}`;
  await timed(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      'pg_dump --data-only --no-owner --exclude-table-data="$ACCOUNTS" "$FROM" 2>/dev/null > "$OUT"',
    ],
    { FROM: target, ACCOUNTS: table, OUT: file },
  );
}

/**
 * Starts `portage serve` (peak RSS recorded), uploads `bundle` with
 * `POST /v1/imports?mode=preserve` as `tenant`, waits for the import to
 * complete and stops the server. The time is from the upload to
 * `completed`; the CPU time is the server's whole (from /proc), start-up
 * included.
 *
 * @param {Record<string, string>} env
 * @param {string} tenant
 * @param {string} bundle
 * @param {string} dir
 * @param {string[]} nodeFlags - Node's own flags for the server (e.g. `--max-semi-space-size=4`).
 */
async function serveImport(env, tenant, bundle, dir, nodeFlags) {
  const port = await freePort();
  const rssFile = join(dir, 'peak-rss');
  await rm(rssFile, { force: true });
  const serveEnv = {
    ...process.env,
    ...env,
    PORT: String(port),
    PORTAGE_HOST: '127.0.0.1',
    PORTAGE_IMPORT_LIMIT_PER_DAY: '10000',
    PORTAGE_BENCH_RSS_FILE: rssFile,
  };
  const key = (await output(['keys', 'create', '--tenant', tenant], serveEnv)).trim();
  const server = spawn(
    process.execPath,
    [...nodeFlags, '--import', PEAK_RSS, PORTAGE_BIN, 'serve'],
    {
      env: serveEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const closed = new Promise((resolve) => server.once('close', resolve));
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${key}` };
  try {
    await untilHealthy(base, server);
    const started = performance.now();
    const answer = await globalThis.fetch(`${base}/v1/imports?mode=preserve`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/zip' },
      body: /** @type {ReadableStream} */ (Readable.toWeb(createReadStream(bundle))),
      duplex: 'half',
    });
    if (answer.status !== 202)
      throw new Error(`POST /v1/imports: ${answer.status} ${await answer.text()}`);
    const { id } = /** @type {{ id: string }} */ (await answer.json());
    for (;;) {
      const state = await globalThis.fetch(`${base}/v1/imports/${id}`, { headers });
      const body = /** @type {{ status: string, error: unknown }} */ (await state.json());
      if (body.status === 'completed') break;
      if (body.status === 'failed') throw new Error(`import failed: ${JSON.stringify(body.error)}`);
      await sleep(200);
    }
    const ms = performance.now() - started;
    const cpuMs = await processCpuMs(server.pid);
    server.kill('SIGTERM');
    await closed;
    return { ms, cpuMs, peakRss: Number(await readFile(rssFile, 'utf8')) };
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await closed;
  }
}

/**
 * The CPU time (user + system) a running process has used, in milliseconds,
 * from /proc (NaN where there is none).
 *
 * @param {number | undefined} pid
 * @returns {Promise<number>}
 */
async function processCpuMs(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * Rows of every included category of `tenant` in the bundle: the sum of
 * `bundle.json`'s counts is what the import writes.
 *
 * @param {string} bundle
 * @returns {Promise<number>}
 */
export async function bundleRows(bundle) {
  const text = await new Promise((resolve, reject) => {
    const child = spawn('unzip', ['-p', bundle, 'bundle.json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`unzip exited with ${code}`)),
    );
  });
  const categories = JSON.parse(/** @type {string} */ (text)).categories ?? [];
  return categories.reduce((sum, /** @type {{ rows?: number }} */ c) => sum + (c.rows ?? 0), 0);
}
