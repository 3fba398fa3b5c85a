// The API-latency section of `npm run bench`: how fast `portage serve` answers
// `GET /v1/exports/{id}` at a fixed rate (autocannon, 20 connections), first
// with nothing else to do, then while the same process runs a large export.
// The idle figure is the baseline measured in the same run. See
// docs/performance.md.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median, round1, round2 } from './report.js';
import { MAX_LOAD, settledLoad } from './rounds.js';

const { fetch } = globalThis;
const PORTAGE_BIN = fileURLToPath(new URL('../bin/portage.js', import.meta.url));

/** Requests per second asked of the server, over all connections: the bar is set at it. */
export const API_RATE = Number(process.env.PORTAGE_BENCH_API_RATE ?? '2000');
/** Connections autocannon keeps open. */
const CONNECTIONS = 20;
/** Seconds each measure lasts. */
const SECONDS = 10;
/**
 * The CPUs `portage serve` runs on, as `taskset -c` takes them (e.g. `1`):
 * with the bench itself (autocannon) started under `taskset -c 0`, the load
 * generator no longer shares the server's core. (Default: unset, the
 * scheduler places both; `PORTAGE_BENCH_API_SERVER_CPUS`)
 */
const SERVER_CPUS = process.env.PORTAGE_BENCH_API_SERVER_CPUS;

/**
 * @typedef {object} LatencyRun
 * @property {number} p50_ms
 * @property {number} p99_ms
 * @property {number} max_ms
 * @property {number} requests_per_s - Answers per second actually received.
 * @property {number} errors - Connection errors, timeouts and answers other than 200.
 */

/**
 * Runs `serve` on the SQLite platform `sqliteFile` (with its files in
 * `filesDir`), and measures `runs` rounds of: the latency of `GET
 * /v1/exports/{id}` of a completed export, then of a running one while it
 * runs (a migration export of every category of `tenant`, as json and csv).
 *
 * @param {{ sqliteFile: string, filesDir: string, tenant: string, runs: number, work: string, log: (line: string) => void }} options
 */
export async function benchApi({ sqliteFile, filesDir, tenant, runs, work, log }) {
  const dataDir = join(work, 'portage-api');
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const env = {
    ...process.env,
    PORTAGE_SOURCE_URL: sqliteFile,
    PORTAGE_FILES_DIR: filesDir,
    PORTAGE_DATA_DIR: dataDir,
    PORT: String(port),
    PORTAGE_HOST: '127.0.0.1',
    PORTAGE_LIMIT_PER_DAY: '10000',
    PORTAGE_LIMIT_PER_MONTH: '10000',
  };
  const key = (await output(['keys', 'create', '--tenant', tenant], env)).trim();
  const command = [process.execPath, PORTAGE_BIN, 'serve'];
  const pinned = SERVER_CPUS ? ['taskset', '-c', SERVER_CPUS, ...command] : command;
  const server = spawn(pinned[0], pinned.slice(1), {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  try {
    await untilHealthy(base, server);
    const small = { purpose: 'migration', categories: ['account'], formats: ['json'] };
    const done = await createExport(base, headers, small);
    await untilStatus(base, headers, done, (s) => s === 'completed');
    // A first, unrecorded measure lets the server compile its hot paths.
    await measure(`${base}/v1/exports/${done}`, headers, 3);

    /** @type {{ idle: LatencyRun, busy: LatencyRun, busy_export_ran_throughout: boolean, load1: number }[]} */
    const recorded = [];
    for (let round = 1; round <= runs; round++) {
      const load1 = await settledLoad();
      if (!(load1 <= MAX_LOAD)) {
        log(`run ${round}/${runs} API latency: not recorded: load ${load1}`);
        continue;
      }
      const idle = await measure(`${base}/v1/exports/${done}`, headers);
      const big = { purpose: 'migration', formats: ['json', 'csv'] };
      const running = await createExport(base, headers, big);
      await untilStatus(base, headers, running, (s) => s === 'running');
      const busy = await measure(`${base}/v1/exports/${running}`, headers);
      const after = await status(base, headers, running);
      const throughout = after === 'running';
      if (throughout) await fetch(`${base}/v1/exports/${running}`, { method: 'DELETE', headers });
      await untilStatus(base, headers, running, (s) => s !== 'running' && s !== 'pending');
      recorded.push({ idle, busy, busy_export_ran_throughout: throughout, load1 });
      log(
        `run ${round}/${runs} API latency at ${API_RATE} req/s: idle p99 ${idle.p99_ms} ms ` +
          `(${idle.requests_per_s} req/s), during an export p99 ${busy.p99_ms} ms ` +
          `(${busy.requests_per_s} req/s)${throughout ? '' : ', the export ended before the measure did'}, load ${load1}`,
      );
    }
    return summarizeApi(recorded);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('close', resolve));
  }
}

/**
 * The medians of the recorded rounds, and the table lines that show them.
 *
 * @param {{ idle: LatencyRun, busy: LatencyRun, busy_export_ran_throughout: boolean, load1: number }[]} recorded
 */
function summarizeApi(recorded) {
  /** @param {(r: typeof recorded[number]) => number} pick */
  const med = (pick) => (recorded.length === 0 ? null : round1(median(recorded.map(pick))));
  const idle = {
    p50_ms: med((r) => r.idle.p50_ms),
    p99_ms: med((r) => r.idle.p99_ms),
    requests_per_s: med((r) => r.idle.requests_per_s),
  };
  const busy = {
    p50_ms: med((r) => r.busy.p50_ms),
    p99_ms: med((r) => r.busy.p99_ms),
    requests_per_s: med((r) => r.busy.requests_per_s),
  };
  const ratio = idle.p99_ms && busy.p99_ms ? round2(busy.p99_ms / idle.p99_ms) : null;
  const line = (/** @type {string} */ name, /** @type {typeof idle} */ m) =>
    `${name.padEnd(34)} p50 ${String(m.p50_ms ?? '-').padStart(6)} ms  p99 ${String(m.p99_ms ?? '-').padStart(6)} ms  ${String(m.requests_per_s ?? '-').padStart(6)} req/s`;
  const table = [
    `API latency, GET /v1/exports/{id}, ${CONNECTIONS} connections at ${API_RATE} req/s for ${SECONDS} s (medians of ${recorded.length} runs):`,
    line('nothing else running (baseline)', idle),
    line('while the process runs an export', busy),
    `p99 ratio: ${ratio ?? '-'}`,
  ].join('\n');
  return {
    rate: API_RATE,
    connections: CONNECTIONS,
    seconds: SECONDS,
    idle,
    busy,
    p99_ratio: ratio,
    runs: recorded,
    table,
  };
}

/**
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {number} [seconds]
 * @returns {Promise<LatencyRun>}
 */
async function measure(url, headers, seconds = SECONDS) {
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    overallRate: API_RATE,
    duration: seconds,
  });
  return {
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests_per_s: Math.round(result.requests.average),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * @param {string} base
 * @param {Record<string, string>} headers
 * @param {object} body
 * @returns {Promise<string>}
 */
async function createExport(base, headers, body) {
  const answer = await fetch(`${base}/v1/exports`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const created = /** @type {{ id?: string }} */ (await answer.json());
  if (answer.status !== 202 || created.id === undefined) {
    throw new Error(`POST /v1/exports answered ${answer.status}: ${JSON.stringify(created)}`);
  }
  return created.id;
}

/**
 * @param {string} base
 * @param {Record<string, string>} headers
 * @param {string} id
 * @returns {Promise<string>}
 */
async function status(base, headers, id) {
  const answer = await fetch(`${base}/v1/exports/${id}`, { headers });
  return /** @type {{ status: string }} */ (await answer.json()).status;
}

/**
 * @param {string} base
 * @param {Record<string, string>} headers
 * @param {string} id
 * @param {(status: string) => boolean} wanted
 */
async function untilStatus(base, headers, id, wanted) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const now = await status(base, headers, id);
    if (wanted(now)) return now;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${now} after 10 minutes`);
    await sleep(50);
  }
}

/**
 * @param {string} base
 * @param {import('node:child_process').ChildProcess} server
 */
export async function untilHealthy(base, server) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`portage serve exited with ${server.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error('portage serve did not answer /healthz in 60 s');
    await sleep(100);
  }
}

/**
 * A portage command's standard output.
 *
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string>}
 */
export function output(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PORTAGE_BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`portage ${args.join(' ')} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** A TCP port free on the loopback interface. */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() =>
          typeof address === 'object' && address !== null
            ? resolve(address.port)
            : reject(new Error('no port')),
        );
      });
    })
  );
}
