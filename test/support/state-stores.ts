import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import type { StateDialect } from '../../src/store/state-db.js';
import { pgClient } from './postgres.js';

/** The engines the state store's suite runs against, each test on both. */
export const DIALECTS: readonly StateDialect[] = ['sqlite', 'postgres'];

/** The PostgreSQL server the tests use (trust authentication). */
export const TEST_POSTGRES_URL =
  process.env.PORTAGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty place for Portage's state, and how to remove it. */
export interface TestStateDatabase {
  /** What `PORTAGE_DATABASE_URL` would hold. */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh state database for one test: a SQLite file in a new folder, or a new
 * schema on the test PostgreSQL server, reached through `search_path` in the
 * URL so that every connection of the pool lands in it.
 */
export async function createStateDatabase(dialect: StateDialect): Promise<TestStateDatabase> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'portage-state-'));
    return {
      url: join(dir, 'state.sqlite'),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const schema = `portage_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => adminQuery(`drop schema ${schema} cascade`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = pgClient({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The store handles of one test: two on one database, as two processes hold. */
export interface StoreHandles {
  one: Store;
  /**
   * A second handle on the same database. On SQLite it is `one`: better-sqlite3
   * is synchronous, so two connections of one thread would wait on each other;
   * other processes wait on its `busy_timeout`.
   */
  two: Store;
}

/**
 * Gives each test of the enclosing `describe` a fresh state database on
 * `dialect`, opened twice, with `tenants` created. The database of a failed
 * test stays behind, to be inspected; the others are dropped.
 */
export function useStoreHandles(
  dialect: StateDialect,
  tenants: readonly (readonly [id: string, name: string])[],
): StoreHandles {
  const handles = {} as StoreHandles;
  let database: TestStateDatabase;
  let failed = false;
  beforeEach(async (context) => {
    failed = false;
    context.onTestFailed(() => {
      failed = true;
    });
    database = await createStateDatabase(dialect);
    handles.one = await openStore(database.url);
    handles.two = dialect === 'sqlite' ? handles.one : await openStore(database.url);
    for (const [id, name] of tenants) await handles.one.tenants.upsert(id, name);
  });
  afterEach(async () => {
    await handles.one.close();
    if (handles.two !== handles.one) await handles.two.close();
    if (failed) console.error(`kept the ${dialect} state of the failed test: ${database.url}`);
    else await database.drop();
  });
  return handles;
}
