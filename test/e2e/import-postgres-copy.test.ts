import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogField, FieldType } from '../../src/catalog/index.js';
import { ConstraintError, PostgresWriter, type ImportColumn } from '../../src/import/index.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgPool,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

const passed = watchFailures();
let database: TestDatabase | undefined;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = pgPool({ connectionString: database.url });
  await pool.query(`CREATE TABLE things (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text, flag boolean, doc jsonb, raw bytea, note text, code varchar(3)
  )`);
});

afterAll(async () => {
  await pool?.end();
  await dropIfPassed(database, passed());
});

function field(name: string, type: FieldType): CatalogField {
  return {
    name,
    type,
    nullable: true,
    description: '',
    precision: null,
    scale: null,
    computed: null,
    platformOwned: false,
    newKey: null,
  };
}

const COLUMNS: ImportColumn[] = [
  { name: 'id', field: field('id', 'integer') },
  { name: 'label', field: field('label', 'string') },
  { name: 'flag', field: field('flag', 'boolean') },
  { name: 'doc', field: field('doc', 'json') },
  { name: 'raw', field: field('raw', 'bytes') },
  // An excluded field, written with its import default as is.
  { name: 'note', field: null },
];

async function insert(rows: unknown[][], columns = COLUMNS): Promise<void> {
  const writer = new PostgresWriter(pool);
  await writer.transaction((tx) => tx.insert('things', columns, rows as never), { commit: true });
}

describe('the PostgreSQL import target writes rows with COPY', () => {
  it('stores text holding every character COPY escapes, exactly, and tells "\\N" from NULL', async () => {
    const texts = ['tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\N', '\\.', '', ' '];
    await insert(texts.map((label, i) => [i + 1, label, i % 2 === 0, { t: label }, 'AAH/', label]));
    await insert([[100, null, null, null, null, null]]);
    const { rows } = await pool.query(
      'SELECT id::int, label, flag, doc, raw, note FROM things ORDER BY id',
    );
    expect(rows).toEqual([
      ...texts.map((label, i) => ({
        id: i + 1,
        label,
        flag: i % 2 === 0,
        doc: { t: label },
        raw: Buffer.from([0, 1, 0xff]),
        note: label,
      })),
      { id: 100, label: null, flag: null, doc: null, raw: null, note: null },
    ]);
  });

  it("tells a key the table holds already from another refusal by the table's constraints", async () => {
    const taken = await insert([[1, 'again', true, {}, '', 'x']]).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConstraintError);
    expect((taken as ConstraintError).keyTaken).toBe(true);
    const tooLong = await insert(
      [[200, 'x', true, {}, '', 'x', 'four']],
      [...COLUMNS, { name: 'code', field: field('code', 'string') }],
    ).catch((e: unknown) => e);
    // A value too long for its column is not a constraint: it fails as it is.
    expect(tooLong).not.toBeInstanceOf(ConstraintError);
    await pool.query(`ALTER TABLE things ADD CONSTRAINT label_set CHECK (label <> 'refused')`);
    const checked = await insert([[201, 'refused', true, {}, '', 'x']]).catch((e: unknown) => e);
    expect(checked).toBeInstanceOf(ConstraintError);
    expect((checked as ConstraintError).keyTaken).toBe(false);
    expect(
      (await pool.query('SELECT count(*)::int AS n FROM things WHERE id >= 200')).rows,
    ).toEqual([{ n: 0 }]);
  });
});
