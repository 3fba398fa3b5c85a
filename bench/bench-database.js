import { spawn } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const PORTAGE_BIN = fileURLToPath(new URL('../bin/portage.js', import.meta.url));

/**
 * The PostgreSQL server the bench runs on, reached as a superuser.
 * (Default: `postgres://postgres@127.0.0.1:5432/postgres`; `PORTAGE_BENCH_POSTGRES_URL` overrides.)
 */
export const BENCH_SERVER_URL =
  process.env.PORTAGE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The comment a bench database gets once its demo platform is fully loaded; a
 * database without it (an interrupted load) is dropped and loaded again.
 *
 * @param {number} scale
 * @returns {string}
 */
function completeMarker(scale) {
  return `portage bench: demo platform at scale ${scale}, complete`;
}

/**
 * @param {(client: pg.Client) => Promise<T>} work
 * @returns {Promise<T>}
 * @template T
 */
async function onServer(work) {
  const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The URL of the bench database of `scale`, `portage_bench_<scale>`, holding
 * the demo platform "Acme Tasks" at that scale. A complete one left by an
 * earlier run is reused as is; otherwise it is (re)created and loaded with
 * `portage demo --database … --scale <scale>`, which takes minutes at scale 500.
 *
 * @param {number} scale - The demo scale: acme gets 2,000 tasks per unit.
 * @param {string} filesDir - Where the demo writes its attachment files.
 * @param {(line: string) => void} log
 * @returns {Promise<{ url: string, name: string, loadedNow: boolean, loadMs: number | null }>}
 */
export async function benchDatabase(scale, filesDir, log) {
  const name = `portage_bench_${String(scale).replace(/\W/g, '_')}`;
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  const marker = completeMarker(scale);
  const comment = await onServer(async (client) => {
    const { rows } = await client.query(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    return rows.length === 0 ? undefined : /** @type {string | null} */ (rows[0].comment);
  });
  if (comment === marker) {
    log(`Reusing ${name} (demo platform at scale ${scale}).`);
    return { url: url.toString(), name, loadedNow: false, loadMs: null };
  }
  log(`Loading the demo platform at scale ${scale} into ${name} (scale 500: about 10 minutes) …`);
  await onServer(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const started = performance.now();
  await runPortage(['demo', '--database', url.toString(), '--scale', String(scale)], {
    PORTAGE_DATA_DIR: filesDir,
  });
  const loadMs = performance.now() - started;
  // Sets hint bits and the visibility map now, so the first measured read does not pay for them.
  await queryBench(url.toString(), 'VACUUM ANALYZE');
  await onServer((client) => client.query(`COMMENT ON DATABASE ${name} IS '${marker}'`));
  return { url: url.toString(), name, loadedNow: true, loadMs };
}

/**
 * Runs one SQL query on the bench database and returns its rows.
 *
 * @param {string} url
 * @param {string} sql
 * @param {unknown[]} [values]
 * @returns {Promise<Record<string, unknown>[]>}
 */
export async function queryBench(url, sql, values = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<void>}
 */
function runPortage(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PORTAGE_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`portage ${args[0]} exited with ${code}`)),
    );
  });
}
