import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CatalogField, FieldType } from '../catalog/index.js';
import { compileRowConverter, stringifyJson } from '../formats/index.js';
import { PostgresSource, SqliteSource, type SourceDatabase } from '../sources/index.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../../test/support/postgres.js';
import { generateDemoPlatformInPostgres, type PostgresDemoSummary } from './postgres-demo.js';
import { DEMO_TABLES, type DemoPgType, type DemoTable } from './schema.js';
import { DEMO_TENANTS } from './tenants.js';
import { testField } from '../../test/support/catalog-fixtures.js';

const FIELD_TYPES: Record<DemoPgType, FieldType> = {
  bigint: 'bigint',
  integer: 'integer',
  boolean: 'boolean',
  text: 'string',
  numeric: 'decimal',
  date: 'date',
  timestamptz: 'timestamp',
  jsonb: 'json',
};

let database: TestDatabase | undefined;
let filesDir: string;
let summary: PostgresDemoSummary;
let ready = false;
const passed = watchFailures();

beforeAll(async () => {
  database = await createTestDatabase();
  filesDir = mkdtempSync(join(tmpdir(), 'portage-pg-demo-'));
  summary = await generateDemoPlatformInPostgres({ database: database.url, filesDir });
  ready = true;
});

afterAll(async () => {
  rmSync(filesDir, { recursive: true, force: true });
  await dropIfPassed(database, ready && passed());
});

/** Every row of a table, read through the source and shaped by the value model (JSON keys sorted), as one digest. */
async function tableDigest(source: SourceDatabase, table: DemoTable): Promise<string> {
  const fields = table.columns.map((c): CatalogField =>
    testField({
      name: c.name,
      type: FIELD_TYPES[c.pgType],
      nullable: c.nullable,
      // Every demo decimal fits four places; the same scale on both sides compares them exactly.
      scale: c.pgType === 'numeric' ? 4 : null,
    }),
  );
  const convert = compileRowConverter(table.name, fields);
  const hash = createHash('sha256');
  await source.withSnapshot(async (snapshot) => {
    const read = {
      source: {
        kind: 'query' as const,
        sql: `SELECT * FROM ${table.name} WHERE CAST(:tenant AS TEXT) = 'all'`,
        table: table.name,
      },
      columns: table.columns.map((c) => c.name),
      orderBy: table.primaryKey,
      tenant: 'all',
    };
    for await (const batch of snapshot.batches(read)) {
      for (const row of batch) hash.update(`${stringifyJson(convert(row))}\n`);
    }
  });
  return hash.digest('hex');
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

describe('generateDemoPlatformInPostgres', () => {
  it('writes the same rows as the SQLite demo into every table', async () => {
    const sqlite = new SqliteSource(join(inject('demoDir'), 'demo-platform.sqlite'));
    const postgres = new PostgresSource(database!.url);
    try {
      for (const table of DEMO_TABLES) {
        expect(await tableDigest(postgres, table), table.name).toBe(
          await tableDigest(sqlite, table),
        );
      }
    } finally {
      await Promise.all([sqlite.close(), postgres.close()]);
    }
    expect(summary.counts.acme?.tasks).toBe(2000);
    expect(Object.keys(summary.counts)).toEqual(DEMO_TENANTS.map((t) => t.id));
  });

  it('writes the same attachment files as the SQLite demo', () => {
    expect(filesUnder(filesDir)).toEqual(filesUnder(join(inject('demoDir'), 'demo-files')));
  });

  it('gives each column the PostgreSQL type that keeps its values exact', async () => {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ column: string; type: string }>(
        `SELECT table_name || '.' || column_name AS column, data_type AS type
         FROM information_schema.columns WHERE table_schema = 'public'
           AND table_name IN ('tasks', 'invoices', 'users')`,
      );
      const types = Object.fromEntries(rows.map((r) => [r.column, r.type]));
      expect(types).toMatchObject({
        'tasks.id': 'bigint',
        'tasks.estimate_points': 'numeric',
        'tasks.custom_fields': 'jsonb',
        'tasks.due_date': 'date',
        'tasks.created_at': 'timestamp with time zone',
        'users.is_active': 'boolean',
        'invoices.subtotal_cents': 'bigint',
      });
    } finally {
      await client.end();
    }
  });

  it('replaces the demo tables of an earlier run, and leaves no building schema behind', async () => {
    const again = await generateDemoPlatformInPostgres({ database: database!.url, filesDir });
    expect(again.counts).toEqual(summary.counts);
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'portage_demo%'",
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
