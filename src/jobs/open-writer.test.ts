import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../../test/support/postgres.js';
import { openWriter } from './import-runner.js';

let database: TestDatabase | undefined;
const passed = watchFailures();

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await dropIfPassed(database, passed());
});

describe('openWriter on PostgreSQL', () => {
  it('outlives its idle connections being ended from outside: the next transaction runs on a new one', async () => {
    const writer = openWriter(database!.url);
    const killer = pgClient({ connectionString: database!.url });
    await killer.connect();
    try {
      const run = () => writer.transaction(() => Promise.resolve('done'), { commit: true });
      expect(await run()).toBe('done');
      // The writer's connection now waits idle in its pool.
      const { rows } = await killer.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid, 10000) AS ended FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(rows.map((row) => row.ended)).toContain(true);
      // A turn of the event loop: the ended connection's error reaches its client.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await run()).toBe('done');
    } finally {
      await killer.end();
      await writer.close();
    }
  });
});
