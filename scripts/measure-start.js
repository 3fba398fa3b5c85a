#!/usr/bin/env node
// Times a start: `npm start` (or, with --direct, `node bin/portage.js serve`)
// in a fresh data directory, from spawning the process to the first 200 on
// /healthz. Runs it N times (default 5; `--runs N`) and prints each time, the
// median and the 1-minute load average before each run, so that a figure is
// never quoted without the load it was measured at.
//
//   node scripts/measure-start.js [--runs N] [--direct] [--keep-data] [--root DIR]
//
// --root times the checkout in DIR (built, with its node_modules) instead of
// this one, e.g. an older commit's, to compare the two under the same load.
// --keep-data reuses one data directory for every run, which times a later
// start (demo platform already generated) instead of the first one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? resolve(args[rootAt + 1]) : join(import.meta.dirname, '..');
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const direct = args.includes('--direct');
const keepData = args.includes('--keep-data');
/** How long one start may take before the run is given up, in ms. */
const GIVE_UP_MS = 120_000;

/** A port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether GET /healthz answers 200 now. */
function healthy(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** Starts Portage once in `dataDir`, returns the ms to its first 200 on /healthz. */
async function timeStart(dataDir) {
  const port = await freePort();
  const [command, commandArgs] = direct
    ? [process.execPath, [join(root, 'bin/portage.js'), 'serve']]
    : ['npm', ['start', '--silent']];
  const env = { ...process.env, PORT: String(port), PORTAGE_DATA_DIR: dataDir };
  for (const name of [
    'PORTAGE_CONFIG',
    'PORTAGE_DATABASE_URL',
    'PORTAGE_SOURCE_URL',
    'PORTAGE_STORAGE_URL',
  ])
    delete env[name];
  const started = performance.now();
  const child = spawn(command, commandArgs, {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (await healthy(port)) return performance.now() - started;
      if (exited) throw new Error(`the server exited before answering:\n${stderr}`);
      if (performance.now() - started > GIVE_UP_MS)
        throw new Error(`no 200 on /healthz after ${GIVE_UP_MS} ms:\n${stderr}`);
      await sleep(10);
    }
  } finally {
    // npm starts node in a process group of its own: end the whole group.
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await gone;
    }
  }
}

const what = `${direct ? 'node bin/portage.js serve' : 'npm start'}${rootAt >= 0 ? ` in ${root}` : ''}`;
const kept = keepData ? mkdtempSync(join(tmpdir(), 'portage-start-')) : null;
const times = [];
for (let i = 0; i < runs; i++) {
  const dataDir = kept ?? mkdtempSync(join(tmpdir(), 'portage-start-'));
  const load = loadavg()[0].toFixed(2);
  try {
    const ms = await timeStart(dataDir);
    times.push(ms);
    process.stdout.write(`run ${i + 1}: ${(ms / 1000).toFixed(2)} s (load average ${load})\n`);
  } finally {
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
}
if (kept) rmSync(kept, { recursive: true, force: true });
times.sort((a, b) => a - b);
const mid = Math.floor(times.length / 2);
const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
process.stdout.write(
  `${what}${keepData ? ' (data kept)' : ''}: median ${(median / 1000).toFixed(2)} s to the first 200 on /healthz over ${runs} runs, load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} after\n`,
);
