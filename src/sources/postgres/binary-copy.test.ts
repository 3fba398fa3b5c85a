import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogField } from '../../catalog/index.js';
import { compileConverter, ValueError } from '../../formats/index.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../../../test/support/postgres.js';
import { testField } from '../../../test/support/catalog-fixtures.js';
import { PostgresSource } from './postgres-source.js';
import type { CategoryRead, RawValue } from '../types.js';

/**
 * Columns of every type the binary `COPY` reading decodes, with the catalog
 * type each is exported as, and values at their edges. Each row sets one
 * column's value (by `k`, its key); the others stay NULL.
 */
const COLUMNS: readonly { name: string; ddl: string; type: CatalogField['type'] }[] = [
  { name: 'i2', ddl: 'int2', type: 'integer' },
  { name: 'i4', ddl: 'int4', type: 'integer' },
  { name: 'i8', ddl: 'int8', type: 'bigint' },
  { name: 'o', ddl: 'oid', type: 'integer' },
  { name: 'n', ddl: 'numeric', type: 'string' },
  { name: 'n2', ddl: 'numeric(12,2)', type: 'decimal' },
  { name: 'f8', ddl: 'float8', type: 'string' },
  { name: 't', ddl: 'text', type: 'string' },
  { name: 'vc', ddl: 'varchar(40)', type: 'string' },
  { name: 'c5', ddl: 'char(5)', type: 'string' },
  { name: 'nm', ddl: 'name', type: 'string' },
  { name: 'b', ddl: 'boolean', type: 'boolean' },
  { name: 'by', ddl: 'bytea', type: 'bytes' },
  { name: 'u', ddl: 'uuid', type: 'uuid' },
  { name: 'js', ddl: 'json', type: 'json' },
  { name: 'jb', ddl: 'jsonb', type: 'json' },
  { name: 'd', ddl: 'date', type: 'date' },
  { name: 'tm', ddl: 'time', type: 'string' },
  { name: 'ts', ddl: 'timestamp', type: 'timestamp' },
  { name: 'tz', ddl: 'timestamptz', type: 'timestamp' },
  { name: 'tz0', ddl: 'timestamptz(0)', type: 'timestamp' },
  { name: 'tz3', ddl: 'timestamptz(3)', type: 'timestamp' },
  { name: 'mood', ddl: 'mood', type: 'string' },
  { name: 'dom', ddl: 'positive', type: 'integer' },
];

const LONG_TEXT = 'é日本語🎉,"\r\n'.repeat(20_000);

const EDGES: Record<string, readonly string[]> = {
  i2: ['-32768', '32767', '0'],
  i4: ['-2147483648', '2147483647', '-1'],
  i8: [
    '-9223372036854775808',
    '9223372036854775807',
    '9007199254740991',
    '-9007199254740991',
    '9007199254740992',
    '-9007199254740992',
    '4294967296',
    '-4294967297',
    '0',
  ],
  o: ['0', '4294967295'],
  n: [
    '0',
    '0.000',
    '-0.5',
    '1.10',
    '10000',
    '-99990000.00010',
    '123456789012345678901234567890.12345678901234567890',
    '0.00000000000000000000000000000000000000001',
    '1e40',
    'NaN',
    'Infinity',
    '-Infinity',
  ],
  n2: ['0', '-0.01', '9999999999.99', '12.5'],
  f8: ['0', '-0', '0.1', '1e308', '5e-324', '-2.2250738585072014e-308', '1.5', 'NaN', 'Infinity'],
  t: ['', 'é日本語🎉', 'a"b,c\r\nd', '=1+2', LONG_TEXT],
  vc: ['', 'ünïcödé'],
  c5: ['ab', ''],
  nm: ['a_name'],
  b: ['true', 'false'],
  by: ['\\x', '\\x00ff10', `\\x${'c3a9'.repeat(50_000)}`],
  u: ['00000000-0000-0000-0000-000000000000', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
  js: ['{"b": 1, "a": [2, 1.0e2]}', '"text"', 'null', '[]'],
  jb: ['{"b": 1, "a": [2, 1.0e2]}', '{}', '"ü"', '12345678901234567890.5'],
  d: [
    '2025-03-04',
    '1970-01-01',
    '2000-01-01',
    '1999-12-31',
    '0001-01-01',
    '0044-03-15 BC',
    '9999-12-31',
    '10000-01-01',
    '2024-02-29',
    'infinity',
    '-infinity',
  ],
  tm: ['00:00:00', '23:59:59.999999', '24:00:00', '12:34:56.5'],
  ts: [
    '2025-03-04 08:20:30.123456',
    '1969-12-31 23:59:59.999999',
    '1900-01-01 00:00:00',
    '2000-01-01 00:00:00',
    '1999-12-31 23:59:59.9',
    '0001-01-01 00:00:00',
    '9999-12-31 23:59:59.999999',
    '10000-01-01 00:00:00',
    '0044-03-15 12:00:00 BC',
    'infinity',
    '-infinity',
  ],
  tz: [
    '2025-03-04 08:20:30.123+05:45',
    '1969-12-31 23:59:59.999999+00',
    '1583-10-15 00:00:00+00',
    '1600-02-29 12:00:00-03:30',
    '2016-12-31 23:59:60+00',
    '0001-01-01 00:00:00+00',
    '9999-12-31 23:59:59.999+00',
    '4713-01-01 00:00:00+00 BC',
    'infinity',
    '-infinity',
  ],
  tz0: ['2025-03-04 08:20:30+00', '1950-06-01 00:00:00+02'],
  tz3: ['2025-03-04 08:20:30.120+00', '2025-03-04 08:20:30+00', '1901-12-13 20:45:52.001+00'],
  mood: ['calm', 'ünï 😀'],
  dom: ['1', '2147483647'],
};

let database: TestDatabase | undefined;
let binary: PostgresSource;
let text: PostgresSource;
const passed = watchFailures();

beforeAll(async () => {
  database = await createTestDatabase();
  const client = pgClient({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`CREATE TYPE mood AS ENUM ('calm', 'ünï 😀')`);
    await client.query('CREATE DOMAIN positive AS int4 CHECK (VALUE > 0)');
    const ddl = COLUMNS.map((c) => `${c.name} ${c.ddl}`).join(', ');
    await client.query(`CREATE TABLE edge (k int PRIMARY KEY, tenant text NOT NULL, ${ddl})`);
    let k = 0;
    await client.query(`INSERT INTO edge (k, tenant) VALUES (${k++}, 'acme')`);
    for (const column of COLUMNS) {
      for (const value of EDGES[column.name] ?? []) {
        await client.query(`INSERT INTO edge (k, tenant, ${column.name}) VALUES ($1, 'acme', $2)`, [
          k++,
          value,
        ]);
      }
    }
    await client.query(`CREATE TABLE other (k int PRIMARY KEY, tenant text, r real, iv interval)`);
    await client.query(
      `INSERT INTO other VALUES (1, 'acme', 1.1, '1 day 02:03:04'), (2, 'acme', NULL, NULL)`,
    );
  } finally {
    await client.end();
  }
  binary = new PostgresSource(database.url);
  text = new PostgresSource(database.url, { binaryCopy: false });
});

afterAll(async () => {
  await binary?.close();
  await text?.close();
  await dropIfPassed(database, passed());
});

function tableRead(table: string, columns: readonly string[]): CategoryRead {
  return {
    source: { kind: 'table', table, tenantColumn: 'tenant', through: [] },
    columns,
    orderBy: ['k'],
    tenant: 'acme',
  };
}

async function readAll(source: PostgresSource, read: CategoryRead): Promise<RawValue[][]> {
  return source.withSnapshot(async (snapshot) => {
    const rows: RawValue[][] = [];
    for await (const batch of snapshot.batches(read)) rows.push(...batch.map((r) => [...r]));
    return rows;
  });
}

/** What the value model makes of a raw value: the exported value, or the problem it names. */
function exported(field: CatalogField, raw: RawValue): unknown {
  try {
    return compileConverter(field, `edge.${field.name}`)(raw);
  } catch (error) {
    if (error instanceof ValueError) return `fails: ${error.problem}`;
    throw error;
  }
}

/** Timestamp columns, whose binary reading gives another text of the same instant. */
const isTimestamp = (name: string) => COLUMNS.find((c) => c.name === name)?.type === 'timestamp';

describe('PostgreSQL binary COPY reading', () => {
  const columns = ['k', ...COLUMNS.map((c) => c.name)];

  it('gives the values the text protocol gives, at every edge, NULLs included', async () => {
    const [fromBinary, fromText] = await Promise.all([
      readAll(binary, tableRead('edge', columns)),
      readAll(text, tableRead('edge', columns)),
    ]);
    expect(fromBinary.length).toBeGreaterThan(100);
    expect(fromBinary).toHaveLength(fromText.length);
    fromText.forEach((row, r) => {
      columns.forEach((name, i) => {
        // Timestamps differ in form only (canonical RFC 3339 against PostgreSQL's text): compared exported, below.
        if (!isTimestamp(name)) expect([name, fromBinary[r]![i]]).toEqual([name, row[i]]);
      });
    });
  });

  it('exports the same values from either reading, and refuses the same ones', async () => {
    const [fromBinary, fromText] = await Promise.all([
      readAll(binary, tableRead('edge', columns)),
      readAll(text, tableRead('edge', columns)),
    ]);
    for (const precision of [0, 3, 6]) {
      const fields = COLUMNS.map((c) =>
        testField({
          name: c.name,
          type: c.type,
          nullable: true,
          scale: c.type === 'decimal' ? 2 : null,
          precision: c.type === 'timestamp' ? precision : null,
        }),
      );
      fromText.forEach((row, r) => {
        fields.forEach((field, i) => {
          const a = exported(field, fromBinary[r]![i + 1] ?? null);
          const b = exported(field, row[i + 1] ?? null);
          expect([field.name, precision, a]).toEqual([field.name, precision, b]);
        });
      });
    }
  });

  it('reads timestamps near 2000 as canonical text with the declared digits, others as PostgreSQL prints them', async () => {
    const rows = await readAll(binary, tableRead('edge', ['k', 'ts', 'tz', 'tz0', 'tz3']));
    // Within ±2^53 µs of 2000 (years 1715-2284) in canonical form; beyond, the text form.
    expect(rows.flatMap((r) => r.slice(1)).filter((v) => v !== null)).toEqual([
      ...['2025-03-04T08:20:30.123456Z', '1969-12-31T23:59:59.999999Z'],
      ...['1900-01-01T00:00:00.000000Z', '2000-01-01T00:00:00.000000Z'],
      ...['1999-12-31T23:59:59.900000Z', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999'],
      ...['10000-01-01 00:00:00', '0044-03-15 12:00:00 BC', 'infinity', '-infinity'],
      ...['2025-03-04T02:35:30.123000Z', '1969-12-31T23:59:59.999999Z', '1583-10-15 00:00:00+00'],
      ...['1600-02-29 15:30:00+00', '2017-01-01T00:00:00.000000Z', '0001-01-01 00:00:00+00'],
      ...['9999-12-31 23:59:59.999+00', '4713-01-01 00:00:00+00 BC', 'infinity', '-infinity'],
      ...['2025-03-04T08:20:30Z', '1950-05-31T22:00:00Z'],
      ...['2025-03-04T08:20:30.120Z', '2025-03-04T08:20:30.000Z', '1901-12-13T20:45:52.001Z'],
    ]);
  });

  it('reads a category with a type it does not decode (real, interval) as text, as before', async () => {
    const read = tableRead('other', ['k', 'r', 'iv']);
    const rows = await readAll(binary, read);
    expect(rows).toEqual(await readAll(text, read));
    expect(rows[0]).toEqual([1, 1.1, 'P1DT2H3M4S']);
  });

  it('keeps the snapshot usable after a consumer stops early, and after a read that fails', async () => {
    const many: CategoryRead = {
      source: {
        kind: 'query',
        sql: `SELECT g AS k, repeat('x', 200) AS pad FROM generate_series(1, 300000) g WHERE :tenant = 'acme'`,
        table: 'none',
      },
      columns: ['k', 'pad'],
      orderBy: ['k'],
      tenant: 'acme',
    };
    const failing: CategoryRead = {
      ...many,
      source: {
        kind: 'query',
        sql: `SELECT g AS k, (1 / (g - 2000))::text AS pad FROM generate_series(1, 3000) g WHERE :tenant = 'acme'`,
        table: 'none',
      },
    };
    const seen = await binary.withSnapshot(async (snapshot) => {
      let first: readonly (readonly RawValue[])[] = [];
      for await (const batch of snapshot.batches(many)) {
        first = batch;
        break;
      }
      let failure: unknown;
      let rows = 0;
      try {
        for await (const batch of snapshot.batches(failing)) rows += batch.length;
      } catch (error) {
        failure = error;
      }
      const count = await snapshot.count({ source: many.source, tenant: 'acme' });
      const after: RawValue[] = [];
      for await (const batch of snapshot.batches(tableRead('edge', ['k']))) {
        after.push(...batch.map((r) => r[0] ?? null));
      }
      return { first: first.length, rows, failure, count, after: after.length };
    });
    expect(seen.first).toBe(500);
    expect(seen.rows).toBeLessThan(2000);
    expect(String(seen.failure)).toMatch(/division by zero/);
    expect(seen.count).toBe(300_000);
    expect(seen.after).toBeGreaterThan(100);
  });

  it('quotes the tenant into the COPY statement exactly', async () => {
    const client = pgClient({ connectionString: database!.url });
    await client.connect();
    const tenant = `o'brien\\x`;
    try {
      await client.query(`INSERT INTO edge (k, tenant, t) VALUES (100000, $1, 'theirs')`, [tenant]);
    } finally {
      await client.end();
    }
    const rows = await readAll(binary, { ...tableRead('edge', ['k', 't']), tenant });
    expect(rows).toEqual([[100000, 'theirs']]);
  });
});
