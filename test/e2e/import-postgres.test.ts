import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncludedCategory } from '../../src/catalog/index.js';
import { DEMO_TABLES } from '../../src/demo/index.js';
import { compileRowConverter, RecordWriter } from '../../src/formats/index.js';
import { importBundle, PostgresWriter } from '../../src/import/index.js';
import { POSTGRES_TYPES } from '../../src/import/postgres-values.js';
import { categorySelect } from '../../src/sources/sql-text.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgPool,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { catalog, demoCopy, exportBundle, readZip } from './import-fixtures.js';

const included = catalog.categories.filter((c): c is IncludedCategory => c.included);

/** The demo schema in PostgreSQL, each column typed by the catalog field it holds. */
function createTablesSql(): string {
  return DEMO_TABLES.map((table) => {
    const category = included.find((c) => c.source.table === table.name);
    const columns = table.columns.map((column) => {
      const field = category?.fields.find((f) => f.name === column.name);
      const type = field
        ? POSTGRES_TYPES[field.type]
        : column.type === 'INTEGER'
          ? 'bigint'
          : 'text';
      return `${column.name} ${type}${column.nullable ? '' : ' NOT NULL'}`;
    });
    return `CREATE TABLE ${table.name} (${columns.join(', ')}, PRIMARY KEY (${table.primaryKey.join(', ')}));`;
  }).join('\n');
}

/** Read as text, as the value model expects: dates (not local-midnight Dates) and JSON (a JSON string stays quoted). */
const RAW_TEXT = new Set<number>([
  pg.types.builtins.DATE,
  pg.types.builtins.JSON,
  pg.types.builtins.JSONB,
]);

const passed = watchFailures();
let database: TestDatabase | undefined;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = pgPool({
    connectionString: database.url,
    types: {
      getTypeParser: ((oid: number) =>
        RAW_TEXT.has(oid)
          ? (value: string) => value
          : (pg.types.getTypeParser(oid, 'text') as (
              value: string,
            ) => unknown)) as typeof pg.types.getTypeParser,
    },
  });
  await pool.query(createTablesSql());
});

afterAll(async () => {
  await pool?.end();
  await dropIfPassed(database, passed());
});

describe('import into PostgreSQL', () => {
  it('writes every record of a preserve import exactly: read back, each data file is the same bytes', async () => {
    const demo = await demoCopy();
    const bundle = await exportBundle(demo, 'acme');
    const result = await importBundle({
      file: bundle.file,
      catalog,
      trusted: true,
      target: new PostgresWriter(pool),
      tenant: 'acme',
    });
    expect(result.error).toBeNull();
    const entries = await readZip(bundle.file);
    for (const category of included) {
      const read = {
        source: category.source,
        columns: category.fields.map((f) => f.name),
        orderBy: category.primaryKey,
      };
      const textKeys = new Set(
        category.fields.filter((f) => f.type === 'string').map((f) => `"${f.name}"`),
      );
      const sql = categorySelect(read, (c) =>
        textKeys.has(c) ? `${c} COLLATE "C"` : c,
      ).replaceAll(':tenant', '$1');
      const rows = await pool.query({ text: sql, values: ['acme'], rowMode: 'array' });
      const convert = compileRowConverter(category.name, category.fields);
      const writer = new RecordWriter(category.name, category.fields, false);
      const text = (rows.rows as unknown[][])
        .map((row) => writer.write(convert(row as never)) + '\n')
        .join('');
      expect(text, category.name).toBe(
        entries.get(`data/${category.name}.jsonl`)?.toString('utf8'),
      );
    }
  });

  it('rolls everything back when ids conflict', async () => {
    const demo = await demoCopy();
    const bundle = await exportBundle(demo, 'acme');
    const before = await pool.query('SELECT count(*)::int AS n FROM tasks');
    const result = await importBundle({
      file: bundle.file,
      catalog,
      trusted: true,
      target: new PostgresWriter(pool),
      tenant: 'acme',
    });
    expect(result.error?.code).toBe('id_conflict');
    expect((await pool.query('SELECT count(*)::int AS n FROM tasks')).rows).toEqual(before.rows);
  });

  // The database writes one batch while the next is built: a refusal must
  // still name the batch it was in, and roll everything back.
  it.each([
    ['an early batch, while later ones are built', 'early'],
    ['the last batch', 'last'],
  ] as const)(
    'names the line of a row the database refuses in %s, and writes nothing',
    async (_, where) => {
      const demo = await demoCopy();
      const bundle = await exportBundle(demo, 'acme');
      const entries = await readZip(bundle.file);
      // The largest category with a one-column key: several batches of 500 rows.
      const category = included
        .filter((c) => c.primaryKey.length === 1 && c.source.kind === 'table')
        .map((c) => ({
          c,
          lines: entries.get(`data/${c.name}.jsonl`)!.toString('utf8').trimEnd().split('\n'),
        }))
        .sort((a, b) => b.lines.length - a.lines.length)[0]!;
      expect(category.lines.length).toBeGreaterThan(1_000);
      const line = where === 'early' ? 700 : category.lines.length;
      const keyName = category.c.primaryKey[0]!;
      const key = String(
        (JSON.parse(category.lines[line - 1]!) as Record<string, unknown>)[keyName],
      );
      const schema = `refusing_${where}`;
      await pool.query(
        `CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${createTablesSql()} RESET search_path`,
      );
      const table = `${schema}.${category.c.source.table}`;
      await pool.query(
        `ALTER TABLE ${table} ADD CONSTRAINT refuses_one CHECK (${keyName}::text <> '${key}')`,
      );

      const result = await importBundle({
        file: bundle.file,
        catalog,
        trusted: true,
        target: new PostgresWriter(pool, schema),
        tenant: 'acme',
      });

      expect(result.error?.code).toBe('constraint_violation');
      expect(result.error?.message).toContain(
        `data/${category.c.name}.jsonl line ${line} ("${category.c.name}")`,
      );
      expect(result.error?.message).toContain('refuses_one');
      for (const c of included.filter((c) => c.source.kind === 'table')) {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM ${schema}.${c.source.table}`,
        );
        expect(rows, c.name).toEqual([{ n: 0 }]);
      }
    },
  );

  it('does not report a transaction as committed when PostgreSQL rolled it back', async () => {
    await pool.query('CREATE TABLE commit_check (id bigint PRIMARY KEY)');
    const writer = new PostgresWriter(pool);
    const column = { name: 'id', field: null };
    const committed = writer.transaction(
      async (tx) => {
        await tx.insert('commit_check', [column], [[1]]);
        // A refusal swallowed by mistake: PostgreSQL answers the COMMIT with ROLLBACK.
        await tx.insert('commit_check', [column], [[1]]).catch(() => undefined);
      },
      { commit: true },
    );
    await expect(committed).rejects.toThrow(
      'rolled the import back (it answered ROLLBACK to COMMIT)',
    );
    expect((await pool.query('SELECT count(*)::int AS n FROM commit_check')).rows).toEqual([
      { n: 0 },
    ]);
  });
});
