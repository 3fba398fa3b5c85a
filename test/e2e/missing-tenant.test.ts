import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoPlatformInPostgres, NORTHWIND_CRM } from '../../src/demo/index.js';
import { portageClient } from '../support/api-client.js';
import { demoDatabase, startServer, type TestServer } from '../support/portage-server.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');

type Failed = { code: number; stdout: string; stderr: string };

/** A tenant exists when its account row does (SPEC §12.1): everything else is refused, clearly. */
describe('a tenant the platform holds no account for', () => {
  let dir: string;
  let platform: string;
  let env: NodeJS.ProcessEnv;
  let server: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-missing-'));
    platform = join(dir, 'platform.sqlite');
    await copyFile(demoDatabase(), platform);
    // initech closes its account: the platform deletes its account row (and nothing else yet).
    const db = new Database(platform);
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM accounts WHERE id = ?').run('initech');
    db.close();
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: platform,
      PORTAGE_FILES_DIR: join(demoDatabase(), '..', 'demo-files'),
    };
    server = await startServer(
      {},
      { platform: { sourceUrl: platform, filesDir: join(demoDatabase(), '..', 'demo-files') } },
    );
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('portage export exits 1 with one line, and writes no archive', async () => {
    const out = join(dir, 'nobody.zip');
    for (const tenant of ['nobody', 'initech']) {
      const failed = (await run(
        'node',
        [BIN, 'export', '--tenant', tenant, '--purpose', 'migration', '--out', out],
        { env },
      ).catch((error: Failed) => error)) as Failed;
      expect(failed.code).toBe(1);
      expect(failed.stderr).toBe(
        `portage: Tenant "${tenant}" does not exist: the platform's account category has no row for it.\n`,
      );
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.partial`)).toBe(false);
    }
  });

  it('portage keys create exits 1 with one line, and creates no key', async () => {
    const failed = (await run('node', [BIN, 'keys', 'create', '--tenant', 'nobody'], {
      env,
    }).catch((error: Failed) => error)) as Failed;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^portage: Tenant "nobody" does not exist: [^\n]*\n$/);
  });

  it('POST /v1/exports answers 403 tenant_not_found for a key whose account is gone', async () => {
    const answer = await portageClient(server.baseUrl, server.keys.initech).POST('/v1/exports', {
      body: { purpose: 'migration' },
    });
    expect(answer.response.status).toBe(403);
    expect(answer.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.error).toMatchObject({ status: 403, code: 'tenant_not_found' });
    const list = await portageClient(server.baseUrl, server.keys.initech).GET('/v1/exports');
    expect(list.data!.data).toEqual([]);
  });
});

/**
 * Where the platform's tenant ids are UUIDs in a PostgreSQL `uuid` column, a
 * word is no tenant: refused the same way, never with the database's own
 * complaint about the value.
 */
describe('a tenant id the platform could not hold (PostgreSQL uuid tenants)', () => {
  const passed = watchFailures();
  let dir: string;
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-missing-uuid-'));
    database = await createTestDatabase();
    const filesDir = join(dir, 'files');
    await generateDemoPlatformInPostgres({
      platform: NORTHWIND_CRM,
      database: database.url,
      filesDir,
    });
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: database.url,
      PORTAGE_CATALOG: NORTHWIND_CRM.catalogFile,
      PORTAGE_FILES_DIR: filesDir,
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropIfPassed(database, passed());
  });

  it('portage export and keys create exit 1 with one line for a word or an unknown UUID', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [tenant, why] of [
      ['not-a-uuid', "the platform's tenant ids are UUIDs (8-4-4-4-12 hexadecimal digits)."],
      [unknown, "the platform's organization category has no row for it."],
    ] as const) {
      for (const args of [
        ['export', '--tenant', tenant, '--purpose', 'migration', '--out', join(dir, 'x.zip')],
        ['keys', 'create', '--tenant', tenant],
      ]) {
        const failed = (await run('node', [BIN, ...args], { env }).catch(
          (error: Failed) => error,
        )) as Failed;
        expect([args[0], failed.code, failed.stderr]).toEqual([
          args[0],
          1,
          `portage: Tenant "${tenant}" does not exist: ${why}\n`,
        ]);
      }
    }
  });
});
