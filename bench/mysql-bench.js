// The MySQL/MariaDB section of `npm run bench`: Portage's csv export of a
// tenant's tasks from MySQL against `mysql --batch -e 'SELECT …' | zip -1`
// on the same rows, measured in the same run. See docs/performance.md.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { portageMeasure, tasksSelect, uncompressedBytes, timed } from './measures.js';

const PORTAGE_BIN = fileURLToPath(new URL('../bin/portage.js', import.meta.url));

/**
 * The MySQL or MariaDB server of the bench, reached as a user that may create
 * databases. (Default: `mysql://root@127.0.0.1:3306`; `PORTAGE_BENCH_MYSQL_URL` overrides.)
 */
export const BENCH_MYSQL_URL = process.env.PORTAGE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** The table whose one row says the demo platform was fully loaded at that scale. */
const MARKER_TABLE = 'portage_bench_loaded';

/**
 * @param {string} url
 * @param {string} sql
 * @returns {Promise<unknown[]>}
 */
export async function queryMysql(url, sql) {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query(sql);
    return /** @type {unknown[]} */ (rows);
  } finally {
    await connection.end();
  }
}

/**
 * The URL of the bench database of `scale` on {@link BENCH_MYSQL_URL}'s server,
 * `portage_bench_<scale>`, holding the demo platform "Acme Tasks" at that scale.
 * A complete one left by an earlier run is reused; otherwise it is recreated
 * and loaded with `portage demo --database mysql://… --scale <scale>`.
 *
 * @param {number} scale
 * @param {string} filesDir
 * @param {(line: string) => void} log
 * @returns {Promise<{ url: string, name: string, loadedNow: boolean, loadMs: number | null }>}
 */
export async function mysqlBenchDatabase(scale, filesDir, log) {
  const name = `portage_bench_${String(scale).replace(/\W/g, '_')}`;
  const url = new URL(BENCH_MYSQL_URL);
  url.pathname = `/${name}`;
  const loaded = await queryMysql(
    BENCH_MYSQL_URL,
    `SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${name}' AND TABLE_NAME = '${MARKER_TABLE}'`,
  );
  if (loaded.length > 0) {
    log(`Reusing MySQL ${name} (demo platform at scale ${scale}).`);
    return { url: url.toString(), name, loadedNow: false, loadMs: null };
  }
  log(`Loading the demo platform at scale ${scale} into MySQL ${name} …`);
  await queryMysql(BENCH_MYSQL_URL, `DROP DATABASE IF EXISTS ${name}`);
  await queryMysql(BENCH_MYSQL_URL, `CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  const started = performance.now();
  await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [PORTAGE_BIN, 'demo', '--database', url.toString(), '--scale', String(scale)],
      {
        env: { ...process.env, PORTAGE_DATA_DIR: filesDir },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(undefined) : reject(new Error(`portage demo exited with ${code}`)),
    );
  });
  const loadMs = performance.now() - started;
  await queryMysql(url.toString(), `ANALYZE TABLE tasks`);
  await queryMysql(url.toString(), `CREATE TABLE ${MARKER_TABLE} (scale INT)`);
  return { url: url.toString(), name, loadedNow: true, loadMs };
}

/**
 * The MySQL baseline and Portage's csv export from MySQL of a tenant's tasks.
 *
 * @param {import('./measures.js').MeasureContext} ctx - `url` is the MySQL bench database.
 * @param {string} tenant
 * @returns {import('./measures.js').Measure[]}
 */
export function mysqlMeasures(ctx, tenant) {
  const url = new URL(ctx.url);
  // The same SELECT as the PostgreSQL baselines, its double-quoted names read as ANSI SQL.
  const select = `SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'); SET time_zone = '+00:00'; ${tasksSelect(ctx.columns, tenant)}`;
  return [
    {
      id: 'mysql_batch_zip',
      label: "mysql --batch -e 'SELECT …' | zip -1",
      kind: 'baseline',
      tenant,
      format: null,
      run: async (dir) => {
        const out = join(dir, 'mysql-baseline.zip');
        await rm(out, { force: true });
        const { ms, cpuMs } = await timed(
          'bash',
          [
            '-o',
            'pipefail',
            '-c',
            'mysql --batch -h "$HOST" -P "$PORT" -u "$USER_NAME" "$DB" -e "$SQL" | zip -1 -q "$OUT" -',
          ],
          {
            HOST: url.hostname,
            PORT: url.port || '3306',
            USER_NAME: decodeURIComponent(url.username),
            MYSQL_PWD: decodeURIComponent(url.password),
            DB: url.pathname.slice(1),
            SQL: select,
            OUT: out,
          },
        );
        return { ms, cpuMs, bytes: await uncompressedBytes(out, () => true), peakRss: null };
      },
    },
    {
      ...portageMeasure(ctx, tenant, 'csv'),
      id: 'mysql_portage_csv',
      label: 'portage export csv (MySQL)',
    },
  ];
}
