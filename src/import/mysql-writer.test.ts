import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogField } from '../catalog/index.js';
import { compileRowConverter, stringifyJson, type JsonValue } from '../formats/index.js';
import { MysqlSource } from '../sources/index.js';
import { testField } from '../../test/support/catalog-fixtures.js';
import { connectMysql, createMysqlTestDatabase } from '../../test/support/mysql.js';
import { dropIfPassed, watchFailures, type TestDatabase } from '../../test/support/postgres.js';
import { MysqlWriter } from './mysql-writer.js';
import { ConstraintError, type ImportColumn } from './platform-writer.js';

let database: TestDatabase;
let writer: MysqlWriter;
const passed = watchFailures();

beforeAll(async () => {
  database = await createMysqlTestDatabase();
  const db = await connectMysql(database.url);
  await db.query(`
    CREATE TABLE items (
      id BIGINT AUTO_INCREMENT PRIMARY KEY, tenant_id VARCHAR(40) NOT NULL,
      amount DECIMAL(14,2), flag TINYINT(1), at DATETIME(6), stamp TIMESTAMP(3) NULL,
      day DATE, doc JSON, uid BINARY(16), uid_text CHAR(36), colours SET('red','green','blue'),
      bytes BLOB, note TEXT, UNIQUE KEY (note(20))
    );
  `);
  await db.end();
  writer = new MysqlWriter(database.url);
});

afterAll(async () => {
  await writer?.close();
  await dropIfPassed(database, passed());
});

const SHAPE = [
  ['id', 'bigint'],
  ['tenant_id', 'string'],
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

const fields: CatalogField[] = SHAPE.map(([name, type]) =>
  testField({
    name,
    type,
    nullable: name !== 'id' && name !== 'tenant_id',
    precision: name === 'at' ? 6 : type === 'timestamp' ? 3 : null,
    scale: type === 'decimal' ? 2 : null,
  }),
);
const columns: ImportColumn[] = fields.map((field) => ({ name: field.name, field }));

const ROW: JsonValue[] = [
  '9007199254740993',
  'acme',
  '1234.50',
  true,
  '2024-02-29T10:11:12.123456Z',
  '2023-12-31T23:59:59.999Z',
  '2024-03-01',
  { a: [1, 2], b: 'x' },
  '00112233-4455-6677-8899-aabbccddeeff',
  '0a1b2c3d-0000-4000-8000-000000000001',
  ['red', 'blue'],
  'aMOp',
  'héllo',
];
const EMPTY: JsonValue[] = [
  '9007199254740990',
  'acme',
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
  null,
];

/** The rows of `acme` as the export's value model gives them. */
async function exported(): Promise<JsonValue[]> {
  const source = new MysqlSource(database.url);
  try {
    const convert = compileRowConverter('items', fields);
    return await source.withSnapshot(async (snapshot) => {
      const out: JsonValue[] = [];
      const read = {
        source: { kind: 'table', table: 'items', tenantColumn: 'tenant_id', through: [] },
        columns: fields.map((f) => f.name),
        orderBy: ['id'],
        tenant: 'acme',
      } as const;
      for await (const batch of snapshot.batches(read)) {
        for (const row of batch) out.push(JSON.parse(stringifyJson(convert(row))) as JsonValue);
      }
      return out;
    });
  } finally {
    await source.close();
  }
}

describe('MysqlWriter', () => {
  it('stores every value so that the export reads back the JSON it was given', async () => {
    await writer.transaction((tx) => tx.insert('items', columns, [ROW, EMPTY]), { commit: true });
    expect(await exported()).toEqual([EMPTY, ROW]);
  });

  it('finds keys compared exactly beyond 2^53, and its new keys start past the AUTO_INCREMENT counter', async () => {
    const found = await writer.transaction(
      async (tx) => ({
        keys: await tx.existingKeys(
          'items',
          [columns[0]!],
          [['9007199254740993'], ['9007199254740992'], ['1']],
        ),
        above: await tx.reserveKeys('items', 'id', 5, true),
      }),
      { commit: false },
    );
    expect(found).toEqual({ keys: [['9007199254740993']], above: 9007199254740993n });
  });

  it('refuses a duplicate as a ConstraintError and leaves the database as it was', async () => {
    const copy = [...ROW];
    copy[0] = '5';
    await expect(
      writer.transaction(
        async (tx) => {
          await tx.insert('items', columns, [
            [...EMPTY.slice(0, 12), 'unique'].map((v, i) => (i === 0 ? '4' : v)),
          ]);
          await tx.insert('items', columns, [copy]);
        },
        { commit: true },
      ),
    ).rejects.toBeInstanceOf(ConstraintError);
    expect((await exported()).map((r) => (r as JsonValue[])[0])).toEqual([
      '9007199254740990',
      '9007199254740993',
    ]);
  });
});
