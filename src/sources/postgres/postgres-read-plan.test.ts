import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClient, TEST_POSTGRES_URL } from '../../../test/support/postgres.js';
import { sqlLiteral, withLiteralTenant } from './postgres-read-plan.js';

/** Texts a key or a tenant may hold that an SQL literal must carry unchanged. */
const HOSTILE = [
  '',
  'a:tenant',
  ':tenant',
  "it's",
  "''",
  'back\\slash',
  '\\x41',
  '\\072',
  '$1',
  "E'x'",
  'é日本語🎉',
  'line\r\nbreak\ttab',
];

describe('SQL literals for statements without parameters (COPY)', () => {
  it('never leave a :tenant inside a literal for the tenant substitution to find', () => {
    for (const key of HOSTILE) {
      const sql = `SELECT 1 FROM t WHERE tenant_id = :tenant AND k > ${sqlLiteral(key)}`;
      expect(withLiteralTenant(sql, 'acme'), key).toBe(
        `SELECT 1 FROM t WHERE tenant_id = ${sqlLiteral('acme')} AND k > ${sqlLiteral(key)}`,
      );
    }
  });

  describe('read back by PostgreSQL', () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = pgClient({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
    });
    afterAll(() => client.end());

    it.each([true, false])(
      'as the very text, with standard_conforming_strings %s',
      async (conforming) => {
        await client.query(`SET standard_conforming_strings = ${conforming ? 'on' : 'off'}`);
        for (const text of HOSTILE) {
          const { rows } = await client.query<[string]>({
            text: `SELECT ${sqlLiteral(text)}::text`,
            rowMode: 'array',
          });
          expect(rows[0]![0], JSON.stringify(text)).toBe(text);
        }
        const tenant = withLiteralTenant('SELECT :tenant::text', 'a:tenant\\x');
        const { rows } = await client.query<[string]>({ text: tenant, rowMode: 'array' });
        expect(rows[0]![0]).toBe('a:tenant\\x');
      },
    );
  });
});
