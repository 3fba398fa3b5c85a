import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogField } from '../../catalog/index.js';
import { compileRowConverter, stringifyJson } from '../../formats/index.js';
import { testField } from '../../../test/support/catalog-fixtures.js';
import { connectMysql, createMysqlTestDatabase } from '../../../test/support/mysql.js';
import { dropIfPassed, watchFailures, type TestDatabase } from '../../../test/support/postgres.js';
import type { CategoryRead } from '../types.js';
import { MysqlSource } from './mysql-source.js';

let database: TestDatabase;
let source: MysqlSource;
const passed = watchFailures();

beforeAll(async () => {
  database = await createMysqlTestDatabase();
  const db = await connectMysql(database.url);
  await db.query(`
    CREATE TABLE accounts (id VARCHAR(40) PRIMARY KEY, name VARCHAR(200) NOT NULL);
    CREATE TABLE items (
      k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
      tenant_id VARCHAR(40) NOT NULL,
      big BIGINT, safe BIGINT, amount DECIMAL(14,2), flag TINYINT(1),
      at DATETIME(6), stamp TIMESTAMP(3) NULL, day DATE, doc JSON,
      uid BINARY(16), uid_text CHAR(36), colours SET('red','green','blue'),
      bytes BLOB, note TEXT,
      PRIMARY KEY (tenant_id, k)
    );
    INSERT INTO accounts VALUES ('acme', 'Acme'), ('globex', 'Globex');
    INSERT INTO items VALUES
      ('d', 'acme', 9007199254740993, -9007199254740991, 1.10, 1,
       '2025-03-04 02:35:30.123456', '2025-03-04 02:35:30.120', '2025-03-04', '{"b":1,"a":[2]}',
       UNHEX('00112233445566778899AABBCCDDEEFF'), '0A1B2C3D-0000-4000-8000-000000000001',
       'red,blue', X'68C3A9', 'héllo, "world"'),
      ('B', 'acme', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, ''),
      ('é', 'acme', 0, 0, 0, 0, '1969-12-31 23:59:59', NULL, '0001-01-01', '[]', NULL, NULL, NULL, X'', NULL),
      ('c', 'acme', 1, 1, 1, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('a', 'acme', 2, 2, 2, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('x', 'globex', 3, 3, 3, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  `);
  await db.end();
  source = new MysqlSource(database.url);
});

afterAll(async () => {
  await source?.close();
  await dropIfPassed(database, passed());
});

const COLUMNS = [
  ['k', 'string'],
  ['big', 'bigint'],
  ['safe', 'integer'],
  ['amount', 'decimal'],
  ['flag', 'boolean'],
  ['at', 'timestamp'],
  ['stamp', 'timestamp'],
  ['day', 'date'],
  ['doc', 'json'],
  ['uid', 'uuid'],
  ['uid_text', 'uuid'],
  ['colours', 'json'],
  ['bytes', 'bytes'],
  ['note', 'string'],
] as const;

const read = (tenant: string): CategoryRead => ({
  source: { kind: 'table', table: 'items', tenantColumn: 'tenant_id', through: [] },
  columns: COLUMNS.map(([name]) => name),
  orderBy: ['k'],
  tenant,
});

async function rowsOf(tenant: string): Promise<(readonly unknown[])[]> {
  return source.withSnapshot(async (snapshot) => {
    const out: (readonly unknown[])[] = [];
    for await (const batch of snapshot.batches(read(tenant))) out.push(...batch);
    return out;
  });
}

describe('MysqlSource', () => {
  it('reads one tenant, text keys in byte order whatever the column’s collation', async () => {
    const rows = await rowsOf('acme');
    expect(rows.map((r) => r[0])).toEqual(['B', 'a', 'c', 'd', 'é']);
    expect(await source.withSnapshot((s) => s.count(read('globex')))).toBe(1);
  });

  it('gives every value in the form the value model reads, as the other sources do', async () => {
    const fields: CatalogField[] = COLUMNS.map(([name, type]) =>
      testField({ name, type, nullable: name !== 'k', precision: type === 'timestamp' ? 3 : null }),
    );
    const convert = compileRowConverter('items', fields);
    const rows = (await rowsOf('acme')).map((r) => stringifyJson(convert(r as never)));
    expect(JSON.parse(rows[3]!)).toEqual([
      'd',
      '9007199254740993',
      -9007199254740991,
      '1.10',
      true,
      '2025-03-04T02:35:30.123Z',
      '2025-03-04T02:35:30.120Z',
      '2025-03-04',
      { a: [2], b: 1 },
      '00112233-4455-6677-8899-aabbccddeeff',
      '0a1b2c3d-0000-4000-8000-000000000001',
      ['red', 'blue'],
      'aMOp',
      'héllo, "world"',
    ]);
    expect(JSON.parse(rows[0]!)).toEqual([
      'B',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      [],
      null,
      '',
    ]);
    expect((JSON.parse(rows[4]!) as unknown[]).slice(5, 9)).toEqual([
      '1969-12-31T23:59:59.000Z',
      null,
      '0001-01-01',
      [],
    ]);
  });

  it('reads one snapshot throughout: a row committed meanwhile by another connection is not seen', async () => {
    const writer = await connectMysql(database.url);
    try {
      const counts = await source.withSnapshot(async (snapshot) => {
        const before = await snapshot.count(read('globex'));
        await writer.query("INSERT INTO items (k, tenant_id, big) VALUES ('y', 'globex', 4)");
        let rows = 0;
        for await (const batch of snapshot.batches(read('globex'))) rows += batch.length;
        return { before, rows, after: await snapshot.count(read('globex')) };
      });
      expect(counts).toEqual({ before: 1, rows: 1, after: 1 });
      expect(await source.withSnapshot((s) => s.count(read('globex')))).toBe(2);
    } finally {
      await writer.end();
    }
  });

  it('lists every table and column of its database to the drift check', async () => {
    const columns = await source.introspect();
    expect(columns.filter((c) => c.table === 'accounts')).toEqual([
      { table: 'accounts', column: 'id', type: 'varchar(40)' },
      { table: 'accounts', column: 'name', type: 'varchar(200)' },
    ]);
    expect(columns.filter((c) => c.table === 'items').map((c) => c.column)).toHaveLength(15);
  });

  it('fails a read of a column that does not exist with the server’s message', async () => {
    await expect(
      source.withSnapshot(async (snapshot) => {
        for await (const batch of snapshot.batches({ ...read('acme'), columns: ['nope'] })) {
          void batch;
        }
      }),
    ).rejects.toThrow(/Unknown column/);
    expect(await source.withSnapshot((s) => s.count(read('acme')))).toBe(5);
  });
});
