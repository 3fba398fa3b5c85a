import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  checkDrift,
  checkFieldTypes,
  loadCatalogFile,
  type CatalogField,
} from '../../catalog/index.js';
import {
  DEMO_PLATFORMS,
  generateDemoPlatformInPostgres,
  type DemoPlatform,
} from '../../demo/index.js';
import { compileRowConverter } from '../../formats/index.js';
import { loadKeyring, type Keyring } from '../../signing/index.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../../../test/support/postgres.js';
import { BATCH_ROWS } from './postgres-snapshot.js';
import { PostgresSource } from './postgres-source.js';
import { SqliteSource } from '../sqlite/sqlite-source.js';
import type { CategoryRead, SourceDatabase } from '../types.js';
import { testField } from '../../../test/support/catalog-fixtures.js';
import {
  driftCases,
  expectedUndeclared,
  UNDECLARED_TABLE,
} from '../../../test/support/drift-cases.js';
import { digestExport } from '../../../test/support/digest-export.js';

let database: TestDatabase | undefined;
let filesDir: string;
/** Per platform: the same data in SQLite and in its own PostgreSQL schema. */
const sources = new Map<string, { name: string; source: SourceDatabase; filesDir: string }[]>();
let ready = false;
const passed = watchFailures();

/** The URL of `platform`'s schema in the test database. */
function platformUrl(platform: DemoPlatform): string {
  return `${database!.url}?schema=${platform.name.replaceAll('-', '_')}`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  filesDir = mkdtempSync(join(tmpdir(), 'portage-pg-files-'));
  const demoDir = inject('demoDir');
  for (const platform of DEMO_PLATFORMS) {
    const url = platformUrl(platform);
    await generateDemoPlatformInPostgres({ platform, database: url, filesDir });
    sources.set(platform.name, [
      {
        name: 'sqlite',
        source: new SqliteSource(join(demoDir, platform.sqliteFile)),
        filesDir: join(demoDir, 'demo-files'),
      },
      { name: 'postgres', source: new PostgresSource(url), filesDir },
    ]);
  }
  ready = true;
});

let keyring: Keyring;
beforeAll(async () => {
  // One key signs both exports, so their manifests may be compared byte for byte.
  keyring = await loadKeyring({
    signingKeyFile: null,
    signingKeysDir: join(filesDir, 'signing-keys'),
  });
});

afterAll(async () => {
  for (const pair of sources.values()) for (const { source } of pair) await source.close();
  rmSync(filesDir, { recursive: true, force: true });
  await dropIfPassed(database, ready && passed());
});

/** Each purpose with the formats it writes by default (SPEC §2); closure's PDF is left out, it embeds no data file. */
const PURPOSES = [
  ['migration', ['json', 'jsonl', 'csv']],
  ['duplication', ['bundle']],
  ['closure', ['json', 'jsonl', 'csv']],
  ['audit', ['json', 'jsonl']],
] as const;

for (const platform of DEMO_PLATFORMS) {
  const platformCatalog = loadCatalogFile(platform.catalogFile);

  describe(`${platform.title} read from SQLite and from PostgreSQL`, () => {
    for (const tenant of platform.tenants.map((t) => t.id)) {
      for (const [purpose, formats] of PURPOSES) {
        it(`gives ${tenant}'s ${purpose} export the same bytes from either database`, async () => {
          const [fromSqlite, fromPostgres] = await Promise.all(
            sources
              .get(platform.name)!
              .map((s) => digestExport(platformCatalog, keyring, s, tenant, purpose, [...formats])),
          );
          const a = fromSqlite!.manifest;
          const b = fromPostgres!.manifest;
          expect(b.content_sha256).toBe(a.content_sha256);
          const files = (m: typeof a) =>
            m.categories.flatMap((c) => ('files' in c ? (c.files ?? []) : []));
          expect(files(a).length).toBeGreaterThan(0);
          expect(files(b)).toEqual(files(a));
          expect(b).toEqual(a);
          expect(fromPostgres!.sha256).toBe(fromSqlite!.sha256);
        });
      }
    }

    it('lists the same tables and columns to the drift check, its schema alone', async () => {
      const [sqlite, postgres] = await Promise.all(
        sources.get(platform.name)!.map((s) => s.source.introspect()),
      );
      const names = (columns: typeof sqlite) => columns!.map((c) => `${c.table}.${c.column}`);
      expect(names(postgres)).toEqual(names(sqlite));
      expect(checkDrift(platformCatalog, postgres!)).toEqual({ undeclared: [], missing: [] });
    });

    it('declares field types that carry what each column holds, in SQLite and in PostgreSQL', async () => {
      for (const { source } of sources.get(platform.name)!) {
        const schema = await source.describeSchema();
        const columns = schema.tables.flatMap((t) =>
          t.columns.map((c) => ({ table: t.name, column: c.name, type: c.type })),
        );
        expect(checkFieldTypes(platformCatalog, columns, schema.dialect)).toEqual([]);
      }
    });

    it('fails the drift check on PostgreSQL, naming a column added to each kind of table', async () => {
      const cases = driftCases(platformCatalog);
      const client = pgClient({ connectionString: database!.url });
      const schema = platform.name.replaceAll('-', '_');
      await client.connect();
      try {
        await client.query(
          `CREATE TABLE ${schema}.${UNDECLARED_TABLE} (id bigint PRIMARY KEY, tenant_id text, flag text)`,
        );
        for (const c of cases) {
          await client.query(`ALTER TABLE ${schema}.${c.table} ADD COLUMN ${c.column} text`);
        }
        const drifted = new PostgresSource(platformUrl(platform));
        try {
          expect(checkDrift(platformCatalog, await drifted.introspect()).undeclared).toEqual(
            expectedUndeclared(cases),
          );
        } finally {
          await drifted.close();
        }
      } finally {
        await client.query(`DROP TABLE IF EXISTS ${schema}.${UNDECLARED_TABLE}`);
        for (const c of cases) {
          await client.query(`ALTER TABLE ${schema}.${c.table} DROP COLUMN IF EXISTS ${c.column}`);
        }
        await client.end();
      }
    });
  });
}

describe('PostgresSource', () => {
  const tasksOf = (tenant: string): CategoryRead => ({
    source: { kind: 'table', table: 'tasks', tenantColumn: 'tenant_id', through: [] },
    columns: ['id', 'title'],
    orderBy: ['id'],
    tenant,
  });
  /** The comments of acme: {@link ACME_COMMENTS} rows, more than a batch and not a multiple of one. */
  const comments: CategoryRead = {
    ...tasksOf('acme'),
    source: { kind: 'table', table: 'comments', tenantColumn: 'tenant_id', through: [] },
    columns: ['id'],
  };
  const ACME_COMMENTS = 2966;

  it('reads one snapshot throughout: rows another connection adds meanwhile are not seen', async () => {
    const source = sources.get('acme-tasks')![1]!.source;
    const writer = pgClient({
      connectionString: database!.url,
      options: '-c search_path=acme_tasks',
    });
    await writer.connect();
    try {
      const seen = await source.withSnapshot(async (snapshot) => {
        const before = await snapshot.count(tasksOf('sandbox'));
        await writer.query(
          `INSERT INTO tasks (id, tenant_id, project_id, number, title, status, priority,
                              reporter_id, tags, custom_fields, created_at, updated_at)
           SELECT 900000001, 'sandbox', project_id, 1, 'added meanwhile', 'todo', 0,
                  reporter_id, '[]', '{}', now(), now()
           FROM tasks ORDER BY id LIMIT 1`,
        );
        const rows = [];
        for await (const batch of snapshot.batches(tasksOf('sandbox'))) rows.push(...batch);
        return { before, after: await snapshot.count(tasksOf('sandbox')), rows };
      });
      expect(seen).toEqual({ before: 0, after: 0, rows: [] });
      const later = await source.withSnapshot((snapshot) => snapshot.count(tasksOf('sandbox')));
      expect(later).toBe(1);
    } finally {
      await writer.query('DELETE FROM tasks WHERE id = 900000001');
      await writer.end();
    }
  });

  it('streams a category in batches of at most BATCH_ROWS rows, in key order', async () => {
    const source = sources.get('acme-tasks')![1]!.source;
    const sizes: number[] = [];
    let last = 0;
    await source.withSnapshot(async (snapshot) => {
      for await (const batch of snapshot.batches(comments)) {
        sizes.push(batch.length);
        for (const row of batch) {
          expect(Number(row[0])).toBeGreaterThan(last);
          last = Number(row[0]);
        }
      }
    });
    expect(sizes).toEqual([
      ...Array<number>(Math.floor(ACME_COMMENTS / BATCH_ROWS)).fill(BATCH_ROWS),
      ACME_COMMENTS % BATCH_ROWS,
    ]);
  });

  it('closes the cursor of a consumer that stops early, with a read ahead in flight', async () => {
    const source = sources.get('acme-tasks')![1]!.source;
    const counted = await source.withSnapshot(async (snapshot) => {
      for await (const batch of snapshot.batches(comments)) {
        expect(batch).toHaveLength(BATCH_ROWS);
        break;
      }
      // The snapshot's connection is free again: the next read runs in full.
      let rows = 0;
      for await (const batch of snapshot.batches(comments)) rows += batch.length;
      return rows;
    });
    expect(counted).toBe(ACME_COMMENTS);
  });

  it('names why its connection was lost when it is lost after the last rows arrived, before the read ended', async () => {
    const source = sources.get('acme-tasks')![1]!.source;
    const killer = pgClient({ connectionString: database!.url });
    await killer.connect();
    const message = (error: unknown) => (error as Error).message;
    try {
      const failures: (string | null)[] = [];
      const ended = await source
        .withSnapshot(async (snapshot) => {
          const batches = snapshot.batches(comments)[Symbol.asyncIterator]();
          let rows = 0;
          // The last batch comes once every row has arrived: the read then only has its end to run.
          while (rows < ACME_COMMENTS) rows += ((await batches.next()).value as unknown[]).length;
          // With a timeout, PostgreSQL answers once the backend is gone; a turn of
          // the event loop later, the connection's own error has reached the client.
          await killer.query(
            `SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
          );
          await new Promise((resolve) => setImmediate(resolve));
          failures.push(await batches.next().then(() => null, message));
          failures.push(await snapshot.count(comments).then(() => null, message));
        })
        .then(() => null, message);
      // The snapshot's end (its COMMIT) fails too, with the same loss.
      failures.push(ended);
      // Whichever the client met first: the server's farewell, or the socket's end.
      const why =
        /^(terminating connection due to administrator command|Connection terminated unexpectedly|read ECONNRESET)$/;
      expect(failures).toEqual([expect.stringMatching(why), failures[0], failures[0]]);
    } finally {
      await killer.end();
    }
  });

  it('hands the value model exact forms: int8 as a number when exact else text, numeric as text, booleans, timestamps as RFC 3339 text', async () => {
    const read: CategoryRead = {
      source: {
        kind: 'query',
        sql: `SELECT 'b' AS k, 9007199254740993::int8 AS big, -9007199254740991::int8 AS safe,
                     1.10::numeric AS amount,
                     true AS flag, 7::int4 AS small,
                     '2025-03-04 08:20:30.123+05:45'::timestamptz AS at,
                     '2025-03-04'::date AS day, '{"b":1,"a":[2]}'::jsonb AS doc,
                     '\\x68c3a9'::bytea AS bytes
              WHERE CAST(:tenant AS text) = 'acme'
              UNION ALL
              SELECT 'B', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL`,
        table: 'none',
      },
      columns: ['k', 'big', 'safe', 'amount', 'flag', 'small', 'at', 'day', 'doc', 'bytes'],
      orderBy: ['k'],
      tenant: 'acme',
    };
    const rows = await sources.get('acme-tasks')![1]!.source.withSnapshot(async (snapshot) => {
      const out = [];
      for await (const batch of snapshot.batches(read)) out.push(...batch);
      return out;
    });
    expect(rows[0]?.[0]).toBe('B');
    expect(rows[1]).toEqual([
      'b',
      '9007199254740993',
      -9007199254740991,
      '1.10',
      true,
      7,
      // Read through binary COPY: canonical RFC 3339, with the column's 6 digits.
      '2025-03-04T02:35:30.123000Z',
      '2025-03-04',
      '{"a": [2], "b": 1}',
      Buffer.from('hé'),
    ]);
    const field = (name: string, type: CatalogField['type']): CatalogField =>
      testField({ name, type, nullable: true, scale: type === 'decimal' ? 2 : null });
    const convert = compileRowConverter('probe', [
      field('k', 'string'),
      field('big', 'bigint'),
      field('safe', 'integer'),
      field('amount', 'decimal'),
      field('flag', 'boolean'),
      field('small', 'integer'),
      field('at', 'timestamp'),
      field('day', 'date'),
      field('doc', 'json'),
      field('bytes', 'string'),
    ]);
    expect(convert(rows[1]!)).toEqual([
      'b',
      '9007199254740993',
      -9007199254740991,
      '1.10',
      true,
      7,
      '2025-03-04T02:35:30.123Z',
      '2025-03-04',
      { a: [2], b: 1 },
      'hé',
    ]);
  });
});
