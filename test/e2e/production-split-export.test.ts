import { mkdtemp, readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/catalog/index.js';
import { ACME_TASKS, generateDemoPlatformInPostgres } from '../../src/demo/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { openSource } from '../../src/sources/index.js';
import { TEMPORARY_PREFIX } from '../../src/storage/index.js';
import { openStore, type ExportStatus, type Store } from '../../src/store/index.js';
import { extractArchive, sha256sumCheck } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { spawnApi, spawnWorker, type PortageProcess } from '../support/portage-process.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

/** Rows per piece: the demo's larger categories at scale 2 are cut into a dozen pieces or more. */
const SPLIT_ROWS = 400;

// Three `portage worker` processes (built `dist/`) sharing one export split into
// pieces, on pg-boss and PostgreSQL state, reading Acme Tasks from PostgreSQL.
describe('an export split over worker processes', { timeout: 300_000 }, () => {
  let state: TestDatabase;
  let platform: TestDatabase;
  let dataDir: string;
  let store: Store;
  let apiProcess: PortageProcess & { baseUrl: string };
  const workers: PortageProcess[] = [];
  let key: string;
  let env: Record<string, string>;
  const tenant = ACME_TASKS.tenants[0]!.id;
  const passed = watchFailures();

  beforeAll(async () => {
    state = await createTestDatabase();
    platform = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'portage-split-workers-'));
    await generateDemoPlatformInPostgres({
      platform: ACME_TASKS,
      database: platform.url,
      filesDir: join(dataDir, 'demo-files'),
      scale: 2,
    });
    store = await openStore(state.url);
    await store.tenants.upsert(tenant, tenant);
    key = await store.tenants.createKey(tenant);
    env = {
      PORTAGE_DATABASE_URL: state.url,
      PORTAGE_SOURCE_URL: platform.url,
      PORTAGE_FILES_DIR: join(dataDir, 'demo-files'),
      PORTAGE_DATA_DIR: dataDir,
      PORTAGE_STORAGE_URL: `file://${join(dataDir, 'archives')}`,
      PORTAGE_EXPORT_SPLIT_ROWS: String(SPLIT_ROWS),
      PORTAGE_WORKER_CONCURRENCY: '1',
      PORTAGE_LEASE_SECONDS: '2',
      PORTAGE_REAPER_SECONDS: '1',
    };
    apiProcess = await spawnApi(env);
  });

  afterAll(async () => {
    await Promise.all([apiProcess, ...workers].map((p) => p?.stop('SIGKILL')));
    await store?.close();
    await dropIfPassed(state, passed(), [dataDir]);
    await dropIfPassed(platform, passed());
  });

  const query = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => {
    const client = pgClient({ connectionString: state.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };

  /** The data files and content digest of one export of the tenant, read by this process alone. */
  const singleWorkerExport = async () => {
    const source = openSource(platform.url);
    try {
      const catalog = loadCatalogFile(ACME_TASKS.catalogFile);
      const built = await produceArchive(
        {
          exportId: 'exp_single_worker',
          tenant,
          purpose: 'migration',
          formats: ['json', 'jsonl', 'csv'],
          categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
          csv: { bom: false, formulaProtection: false },
          generatedAt: new Date(),
        },
        { catalog, source, settings: { filesDir: join(dataDir, 'demo-files') } },
        new Writable({ write: (_chunk, _encoding, done) => done() }),
        { onProgress: () => undefined, signal: new AbortController().signal },
      );
      return built.manifest;
    } finally {
      await source.close();
    }
  };

  it('completes with the content a single worker writes when a worker holding a piece is killed', async () => {
    for (let i = 0; i < 3; i++) workers.push(await spawnWorker(env));
    const created = await portageClient(apiProcess.baseUrl, key).POST('/v1/exports', {
      body: { purpose: 'migration', formats: ['json', 'jsonl', 'csv'] },
    });
    expect(created.response.status).toBe(202);
    const id = created.data!.id;
    const temporaryDir = join(dataDir, 'archives', TEMPORARY_PREFIX);

    // Kill a worker that does not coordinate the export while it writes a piece.
    // A piece of a few hundred rows can end between a look and a kill, so the
    // workers are looked at while all are stopped: one holding a file open in
    // the store's temporary directory is writing a piece (only the coordinator
    // writes the archive), and is killed before it runs again.
    const watch = pgClient({ connectionString: state.url });
    await watch.connect();
    let killed: PortageProcess | undefined;
    try {
      const deadline = Date.now() + 120_000;
      while (killed === undefined) {
        const [row] = (
          await watch.query<{ status: ExportStatus; lease_owner: string | null }>(
            'select status, lease_owner from exports where id = $1',
            [id],
          )
        ).rows;
        if (row!.status !== 'pending' && row!.status !== 'running') {
          throw new Error(
            `the export ended (${row!.status}) before a worker was seen writing a piece`,
          );
        }
        if (Date.now() > deadline) throw new Error('no worker was seen writing a piece');
        const coordinator =
          row!.lease_owner === null ? undefined : Number(row!.lease_owner.split(':')[1]);
        if (coordinator === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        for (const worker of workers) process.kill(worker.pid, 'SIGSTOP');
        try {
          for (const worker of workers) {
            if (worker.pid !== coordinator && (await holdsFileUnder(worker.pid, temporaryDir))) {
              killed = worker;
              await worker.stop('SIGKILL');
              break;
            }
          }
        } finally {
          for (const worker of workers) if (worker !== killed) process.kill(worker.pid, 'SIGCONT');
        }
        if (killed === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await watch.end();
    }

    // Progress advances while the pieces are written, and never goes back.
    const seen: { status: string; rows: number }[] = [];
    const client = portageClient(apiProcess.baseUrl, key);
    for (;;) {
      const now = await client.GET('/v1/exports/{id}', { params: { path: { id } } });
      seen.push({ status: now.data!.status, rows: now.data!.progress.rows_written });
      if (now.data!.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const done = await waitForExport(apiProcess.baseUrl, key, id, 240_000);
    expect(done.status).toBe('completed');
    // One attempt: the coordinator lived, and the killed worker's piece ran again elsewhere.
    expect((await store.exports.getById(id))?.attempts).toBe(1);
    const [redone] = await query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'portage-export-piece' and retry_count > 0`,
    );
    expect(redone!.n).toBeGreaterThan(0);

    const download = await fetch(new URL(`/v1/exports/${id}/download`, apiProcess.baseUrl), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(download.status).toBe(200);
    const archive = await extractArchive(Buffer.from(await download.arrayBuffer()));
    expect(await sha256sumCheck(archive.dir)).not.toMatch(/FAILED/);
    const manifest =
      await archive.json<Awaited<ReturnType<typeof singleWorkerExport>>>('manifest.json');
    const single = await singleWorkerExport();
    expect(manifest.content_sha256).toBe(single.content_sha256);
    const files = (m: typeof manifest) =>
      m.categories.flatMap((c) =>
        c.included ? c.files.map((f) => [f.path, f.sha256, f.rows]) : [],
      );
    expect(files(manifest)).toEqual(files(single));
    expect(files(manifest).length).toBeGreaterThan(10);
    const total = single.categories.reduce((sum, c) => sum + (c.included ? (c.rows ?? 0) : 0), 0);
    expect(seen.at(-1)!.rows).toBe(total);
    expect(seen.map((s) => s.rows)).toEqual(seen.map((s) => s.rows).sort((a, b) => a - b));
    expect(seen.some((s) => s.status === 'running' && s.rows > 0 && s.rows < total)).toBe(true);
    expect(archive.sha256).toBe((done.file as { sha256: string }).sha256);
    // The pieces are gone from the store.
    expect(await readdir(join(dataDir, 'archives', 'pieces', id)).catch(() => [])).toEqual([]);
  });
});

/** Whether process `pid` (Linux) holds a file open under `dir`. */
async function holdsFileUnder(pid: number, dir: string): Promise<boolean> {
  const fds = `/proc/${pid}/fd`;
  for (const fd of await readdir(fds).catch(() => [])) {
    const target = await readlink(join(fds, fd)).catch(() => '');
    if (target.startsWith(dir)) return true;
  }
  return false;
}
