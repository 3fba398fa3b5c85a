import { describe, expect, it } from 'vitest';
import { TEST_MYSQL_URL } from '../../../test/support/mysql.js';
import { openMysqlPool } from './mysql-pool.js';

describe('a MySQL pool whose idle connection is ended from outside', () => {
  // A server restart, a proxy or `wait_timeout` ends connections the pool
  // holds idle: the process must not fail for it, and the next query runs.
  it('raises no uncaught error, and the next query runs on a new connection with the session settings', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const pool = openMysqlPool(`${TEST_MYSQL_URL}/mysql`, 2);
    const killer = openMysqlPool(`${TEST_MYSQL_URL}/mysql`, 1);
    try {
      const [[before]] = await pool.query<[{ id: number }] & never[]>(
        'SELECT CONNECTION_ID() AS id',
      );
      await killer.query(`KILL ${before.id}`);
      // The server's end of the idle connection reaches the pool as an event, not a query's error.
      const ended = Date.now() + 5_000;
      let after: { id: number; zone: string } | undefined;
      while (Date.now() < ended) {
        await new Promise((resolve) => setImmediate(resolve));
        // A query sent before the pool learnt of the end may fail with it: that one only.
        const answer = await pool
          .query<[{ id: number; zone: string }] & never[]>(
            'SELECT CONNECTION_ID() AS id, @@session.time_zone AS zone',
          )
          .catch(() => null);
        const row = answer?.[0][0];
        if (row !== undefined && row.id !== before.id) {
          after = row;
          break;
        }
      }
      expect(after?.zone).toBe('+00:00');
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await Promise.all([pool.end(), killer.end()]);
    }
  });
});
