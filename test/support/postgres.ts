import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { beforeEach } from 'vitest';
import { takeConnectionErrors } from '../../src/config/index.js';

/**
 * The PostgreSQL server tests use, reached as a superuser with trust auth.
 * (Default: `postgres://postgres@127.0.0.1:5432/postgres`; `PORTAGE_TEST_POSTGRES_URL` overrides.)
 */
export const TEST_POSTGRES_URL =
  process.env.PORTAGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database created for one test file. */
export interface TestDatabase {
  /** Its connection URL. */
  readonly url: string;
  /** Its name, `portage_t_<random hex>`. */
  readonly name: string;
  /** Drops it, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * A new, unconnected `pg.Client` that takes the 'error' event of its connection
 * being ended from outside (a database dropped `WITH (FORCE)`, a backend
 * terminated): without a listener that event is an uncaught exception, which
 * fails the whole test run. A query in flight still rejects with the error.
 */
export function pgClient(config: string | pg.ClientConfig): pg.Client {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  return client;
}

/**
 * A new `pg.Pool` that takes the 'error' event of a connection ended from
 * outside, idle in the pool or checked out of it, as {@link pgClient} does.
 * A query in flight still rejects with the error.
 */
export function pgPool(config: string | pg.PoolConfig): pg.Pool {
  return takeConnectionErrors(
    new pg.Pool(typeof config === 'string' ? { connectionString: config } : config),
  );
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = pgClient({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on {@link TEST_POSTGRES_URL}'s server. Drop it in
 * `afterAll` only when the tests passed, so that a failure stays inspectable.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `portage_t_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * Watches the tests of the file it is called in (it registers a `beforeEach`):
 * the function it returns says whether none of them failed so far.
 */
export function watchFailures(): () => boolean {
  let failed = false;
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });
  return () => !failed;
}

/**
 * Drops the test database and removes `dirs` when the tests passed, and
 * otherwise keeps them and names them on stderr for inspection.
 */
export async function dropIfPassed(
  database: TestDatabase | undefined,
  passed: boolean,
  dirs: readonly string[] = [],
): Promise<void> {
  if (passed) {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await database?.drop();
    return;
  }
  const kept = [...dirs, ...(database === undefined ? [] : [database.url])];
  if (kept.length > 0) process.stderr.write(`kept for inspection: ${kept.join(', ')}\n`);
}
