import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { TestDatabase } from './postgres.js';

/**
 * The MySQL or MariaDB server tests use, reached as a user that may create
 * databases. (Default: `mysql://root@127.0.0.1:3306`; `PORTAGE_TEST_MYSQL_URL` overrides.)
 */
export const TEST_MYSQL_URL = process.env.PORTAGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/**
 * Creates an empty utf8mb4 database on {@link TEST_MYSQL_URL}'s server. Drop it
 * only when the tests passed (see `dropIfPassed`), so that a failure stays inspectable.
 */
export async function createMysqlTestDatabase(): Promise<TestDatabase> {
  const name = `portage_t_${randomBytes(6).toString('hex')}`;
  const server = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    await server.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.end();
  }
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const again = await mysql.createConnection({ uri: TEST_MYSQL_URL });
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await again.end();
      }
    },
  };
}

/** A connection to a test database that runs many statements at once, for fixtures. */
export function connectMysql(url: string): Promise<mysql.Connection> {
  return mysql.createConnection({ uri: url, multipleStatements: true, timezone: 'Z' });
}
