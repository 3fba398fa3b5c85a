import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CatalogField } from '../catalog/index.js';
import { compileRowConverter, stringifyJson } from '../formats/index.js';
import { PostgresSource, SqliteSource, type SourceDatabase } from '../sources/index.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../../test/support/postgres.js';
import { testField } from '../../test/support/catalog-fixtures.js';
import type { DemoPlatform } from './demo-platform.js';
import type { DemoColumn, DemoSchema, DemoTable } from './demo-schema.js';
import { generateDemoPlatformInPostgres, type PostgresDemoSummary } from './postgres-demo.js';
import { DEMO_PLATFORMS } from './registry.js';

/** The catalog field that reads a column of either database the same way. */
function fieldOf(column: DemoColumn, schema: DemoSchema): CatalogField {
  const base = { name: column.name, nullable: column.nullable };
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(column.pgType);
  if (numeric) return testField({ ...base, type: 'decimal', scale: Number(numeric[2]) });
  // Every unconstrained demo decimal fits four places; the same scale on both sides compares them exactly.
  if (column.pgType === 'numeric') return testField({ ...base, type: 'decimal', scale: 4 });
  if (schema.enums.some((e) => e.name === column.pgType))
    return testField({ ...base, type: 'string' });
  const types: Record<string, CatalogField['type']> = {
    bigint: 'bigint',
    integer: 'integer',
    boolean: 'boolean',
    text: 'string',
    numeric: 'decimal',
    date: 'date',
    timestamptz: 'timestamp',
    jsonb: 'json',
    uuid: 'uuid',
    bytea: 'bytes',
    'double precision': 'float',
  };
  const type = types[column.pgType.replace(/^timestamptz\(\d\)$/, 'timestamptz')];
  if (type === undefined) throw new Error(`no field type for ${column.pgType}`);
  return testField({ ...base, type, precision: type === 'timestamp' ? 6 : null });
}

/** Every row of a table, read through the source and shaped by the value model (JSON keys sorted), as one digest. */
async function tableDigest(
  source: SourceDatabase,
  table: DemoTable,
  schema: DemoSchema,
): Promise<string> {
  const fields = table.columns.map((c) => fieldOf(c, schema));
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

/** The schema each platform is loaded into: every platform in its own (SPEC §12.4). */
function schemaName(platform: DemoPlatform): string {
  return platform.name.replaceAll('-', '_');
}

let database: TestDatabase | undefined;
let filesDir: string;
const summaries = new Map<string, PostgresDemoSummary>();
let ready = false;
const passed = watchFailures();

beforeAll(async () => {
  database = await createTestDatabase();
  filesDir = mkdtempSync(join(tmpdir(), 'portage-pg-demo-'));
  for (const platform of DEMO_PLATFORMS) {
    const url = `${database.url}?schema=${schemaName(platform)}`;
    summaries.set(
      platform.name,
      await generateDemoPlatformInPostgres({ platform, database: url, filesDir }),
    );
  }
  ready = true;
});

afterAll(async () => {
  rmSync(filesDir, { recursive: true, force: true });
  await dropIfPassed(database, ready && passed());
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = pgClient({ connectionString: database!.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

for (const platform of DEMO_PLATFORMS) {
  describe(`generateDemoPlatformInPostgres: ${platform.title}`, () => {
    const url = () => `${database!.url}?schema=${schemaName(platform)}`;

    it('writes the same rows as the SQLite demo into every table', async () => {
      const sqlite = new SqliteSource(join(inject('demoDir'), platform.sqliteFile));
      const postgres = new PostgresSource(url());
      try {
        for (const table of platform.schema.tables) {
          expect(await tableDigest(postgres, table, platform.schema), table.name).toBe(
            await tableDigest(sqlite, table, platform.schema),
          );
        }
      } finally {
        await Promise.all([sqlite.close(), postgres.close()]);
      }
      expect(Object.keys(summaries.get(platform.name)!.counts)).toEqual(
        platform.tenants.map((t) => t.id),
      );
    });

    it('gives each column its declared PostgreSQL type, in its own schema', async () => {
      const rows = await query<{ column: string; type: string }>(
        `SELECT c.relname || '.' || a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = '${schemaName(platform)}' AND c.relkind = 'r' AND a.attnum > 0
           AND NOT a.attisdropped`,
      );
      const actual = Object.fromEntries(rows.map((r) => [r.column, r.type.replace(/^.*\./, '')]));
      const expected = Object.fromEntries(
        platform.schema.tables.flatMap((t) =>
          t.columns.map((c) => [
            `${t.name}.${c.name}`,
            c.pgType
              .replace(/^timestamptz(\(\d\))?$/, 'timestamp$1 with time zone')
              .replace(/^numeric$/, 'numeric'),
          ]),
        ),
      );
      expect(actual).toEqual(expected);
    });
  });
}

describe('generateDemoPlatformInPostgres', () => {
  it('writes the same attachment files as the SQLite demo', () => {
    expect(filesUnder(filesDir)).toEqual(filesUnder(join(inject('demoDir'), 'demo-files')));
  });

  it('sizes Acme Tasks as documented at scale 1', () => {
    expect(summaries.get('acme-tasks')?.counts.acme?.tasks).toBe(2000);
  });

  it('replaces a platform of an earlier run, and leaves no building schema behind', async () => {
    const platform = DEMO_PLATFORMS[1]!;
    const again = await generateDemoPlatformInPostgres({
      platform,
      database: `${database!.url}?schema=${schemaName(platform)}`,
      filesDir,
    });
    expect(again.counts).toEqual(summaries.get(platform.name)!.counts);
    const left = await query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'portage_demo%'",
    );
    expect(left).toEqual([]);
  });
});
