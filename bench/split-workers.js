// `node bench/split-workers.js --source postgres://…/db [--tenant acme] [--formats jsonl]
//   [--split-rows 25000] [--runs 1]`: one export of the tenant through `serve
// --no-worker` and `portage worker` processes on pg-boss (a fresh state database
// on the source's server per run), three ways side by side: one worker without
// splitting, one worker splitting, two workers splitting. Prints the wall time
// from creation to completion, the CPU time (user+sys) of the workers, the load
// average before each run, and the archive's content_sha256 (the same three
// times). Needs `npm run build`. See docs/performance.md.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../dist/store/index.js';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    tenant: { type: 'string', default: 'acme' },
    formats: { type: 'string', default: 'jsonl' },
    'split-rows': { type: 'string', default: '25000' },
    runs: { type: 'string', default: '1' },
  },
});
if (!values.source) throw new Error('--source postgres://…/database is required');
const { fetch, console } = globalThis;
const BIN = join(import.meta.dirname, '../bin/portage.js');
const TICKS = 100;

function start(args, env, ready) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk) => {
      output += chunk;
      if (ready.test(output)) resolve({ child, output: () => output });
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${output}`)));
  });
}

async function cpuSeconds(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function run(workers, splitRows) {
  const admin = new pg.Client({ connectionString: values.source });
  await admin.connect();
  const name = `portage_split_state_${process.pid}_${workers}_${splitRows}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const stateUrl = new URL(values.source);
  stateUrl.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'portage-split-bench-'));
  const env = {
    PORTAGE_DATABASE_URL: stateUrl.toString(),
    PORTAGE_SOURCE_URL: values.source,
    PORTAGE_DATA_DIR: dir,
    PORTAGE_FILES_DIR: join(dir, 'files'),
    PORTAGE_STORAGE_URL: `file://${join(dir, 'archives')}`,
    PORTAGE_EXPORT_SPLIT_ROWS: String(splitRows),
    PORTAGE_WORKER_CONCURRENCY: '1',
    PORTAGE_LIMIT_PER_DAY: '1000',
  };
  const api = await start(
    ['serve', '--no-worker'],
    { PORT: '0', PORTAGE_HOST: '127.0.0.1', ...env },
    /listening at (http:\S+)/,
  );
  const baseUrl = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output())[1];
  const procs = [];
  for (let i = 0; i < workers; i++) procs.push(await start(['worker'], env, /is taking exports/));
  const store = await openStore(env.PORTAGE_DATABASE_URL);
  await store.tenants.upsert(values.tenant, values.tenant);
  const key = await store.tenants.createKey(values.tenant);
  await store.close();
  const cpuBefore = await Promise.all(procs.map((p) => cpuSeconds(p.child.pid)));
  const load = loadavg()[0].toFixed(2);
  const began = performance.now();
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(new URL('/v1/exports', baseUrl), {
    method: 'POST',
    headers,
    body: JSON.stringify({ purpose: 'migration', formats: values.formats.split(',') }),
  }).then((r) => r.json());
  let done;
  for (;;) {
    done = await fetch(new URL(`/v1/exports/${created.id}`, baseUrl), { headers }).then((r) =>
      r.json(),
    );
    if (done.status === 'completed' || done.status === 'failed') break;
    await sleep(50);
  }
  const wall = (performance.now() - began) / 1000;
  const cpu = (await Promise.all(procs.map((p) => cpuSeconds(p.child.pid)))).map(
    (after, i) => after - cpuBefore[i],
  );
  let digest = done.error?.code ?? '';
  if (done.status === 'completed') {
    const manifestKey = `exports/${values.tenant}/${done.file.name}`;
    const { execFileSync } = await import('node:child_process');
    const manifest = execFileSync('unzip', [
      '-p',
      join(dir, 'archives', manifestKey),
      'manifest.json',
    ]);
    digest = JSON.parse(manifest.toString()).content_sha256.slice(0, 12);
  }
  for (const p of [api, ...procs]) p.child.kill('SIGKILL');
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
  return { wall, cpu, load, digest, rows: done.progress?.rows_written ?? done.rows_written };
}

console.log('workers  split-rows  wall s  workers cpu s (user+sys)  load  rows  content_sha256');
for (let r = 0; r < Number(values.runs); r++) {
  for (const [workers, splitRows] of [
    [1, 0],
    [1, Number(values['split-rows'])],
    [2, Number(values['split-rows'])],
  ]) {
    const m = await run(workers, splitRows);
    console.log(
      `${workers}        ${String(splitRows).padEnd(10)}  ${m.wall.toFixed(2).padStart(6)}  ` +
        `${m.cpu
          .map((c) => c.toFixed(2))
          .join(' + ')
          .padEnd(25)}  ${m.load}  ${m.rows}  ${m.digest}`,
    );
  }
}
