import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoPlatformInPostgres } from '../../src/demo/index.js';
import { portageClient } from '../support/api-client.js';
import { startServer, type TestServer } from '../support/portage-server.js';
import {
  createTestDatabase,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { demoCopy, exportBundle, writableCategories, catalog } from './import-fixtures.js';

type Status = 'pending' | 'running' | 'completed' | 'failed';

async function postImport(server: TestServer, key: string, bytes: Buffer, query: string) {
  const response = await fetch(new URL(`/v1/imports${query}`, server.baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/zip' },
    body: bytes,
  });
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(202);
  return body.id as string;
}

/** Polls an import until `done` says its status is reached. */
async function waitForImport(
  server: TestServer,
  key: string,
  id: string,
  done: (status: Status) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { data } = await portageClient(server.baseUrl, key).GET('/v1/imports/{id}', {
      params: { path: { id } },
    });
    const body = data as Record<string, unknown>;
    if (done(body.status as Status)) return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${String(body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const finished = (status: Status) => status === 'completed' || status === 'failed';

// A tenant's import that cannot finish (the platform's tables are locked
// against writes by another session) must not hold up another tenant's, and
// the tenant's next import waits for it (PORTAGE_IMPORT_MAX_RUNNING, default 1).
describe('imports of several tenants at once', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let server: TestServer;
  let filesDir: string;
  let acmeBundle: Buffer;
  let globexBundle: Buffer;
  const passed = watchFailures();

  beforeAll(async () => {
    database = await createTestDatabase();
    const copy = await demoCopy();
    filesDir = copy.filesDir;
    await generateDemoPlatformInPostgres({ database: database.url, filesDir: copy.filesDir });
    const from = (tenant: string) =>
      exportBundle(copy, tenant, 'duplication', ['bundle'], catalog, writableCategories);
    acmeBundle = await readFile((await from('acme')).file);
    globexBundle = await readFile((await from('globex')).file);
    server = await startServer(
      {},
      { platform: { sourceUrl: database.url, filesDir: copy.filesDir } },
    );
  });

  afterAll(async () => {
    await server?.close();
    if (passed()) {
      await database?.drop();
      await rm(dirname(filesDir), { recursive: true, force: true });
    }
  });

  it('runs another tenant while one waits, and holds a tenant to one running import', async () => {
    const acme = server.keys.acme!;
    const globex = server.keys.globex!;
    const locker = pgClient({ connectionString: database.url });
    await locker.connect();
    try {
      // Reads go on; every write to the platform's tables waits for this session.
      await locker.query('BEGIN');
      const tables = await locker.query<{ name: string }>(
        'select quote_ident(tablename) as name from pg_tables where schemaname = current_schema()',
      );
      expect(tables.rows.length).toBeGreaterThan(0);
      for (const { name } of tables.rows)
        await locker.query(`LOCK TABLE ${name} IN EXCLUSIVE MODE`);

      const stuck = await postImport(server, acme, acmeBundle, '?mode=remap');
      await waitForImport(server, acme, stuck, (s) => s === 'running');
      const second = await postImport(server, acme, acmeBundle, '?mode=remap&dry_run=true');
      const other = await postImport(server, globex, globexBundle, '?mode=remap&dry_run=true');

      const otherDone = await waitForImport(server, globex, other, finished);
      expect(otherDone).toMatchObject({ status: 'completed', error: null });
      // The second acme import was passed over for the first's sake, not run.
      expect(
        (
          await portageClient(server.baseUrl, acme).GET('/v1/imports/{id}', {
            params: { path: { id: second } },
          })
        ).data,
      ).toMatchObject({ status: 'pending', started_at: null });
      expect(
        (
          await portageClient(server.baseUrl, acme).GET('/v1/imports/{id}', {
            params: { path: { id: stuck } },
          })
        ).data,
      ).toMatchObject({ status: 'running' });

      await locker.query('COMMIT');
      // (It meets the users it holds already, whose emails are unique: it fails, having waited its turn.)
      const stuckDone = await waitForImport(server, acme, stuck, finished);
      expect(stuckDone.completed_at).not.toBeNull();
      const secondDone = await waitForImport(server, acme, second, finished);
      expect(secondDone.status).toMatch(/^(completed|failed)$/);
      expect(Date.parse(secondDone.started_at as string)).toBeGreaterThanOrEqual(
        Date.parse(stuckDone.completed_at as string),
      );
    } finally {
      await locker.end();
    }
  });
});
