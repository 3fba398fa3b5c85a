import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog/index.js';
import { classifyFailure } from '../jobs/failure.js';
import { produceArchive } from '../jobs/produce-archive.js';
import { PostgresSource, SqliteSource, type SourceDatabase } from '../sources/index.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../../test/support/postgres.js';

/** Rows in the table: more than one read batch of either source. */
const ROWS = 1200;
/** The row whose value cannot be exported. */
const BAD_ROW = 1100;

const CATALOG = `
version: '1'
platform: { name: Failures, description: A platform with one bad value. }
categories:
  - name: account
    title: Account
    description: The tenant.
    account: { display_field: id }
    source: { table: accounts, tenant_column: id }
    primary_key: [id]
    fields:
      - { name: id, type: string, description: Key. }
  - name: notes
    title: Notes
    description: Notes.
    source: { table: notes, tenant_column: tenant_id }
    primary_key: [id]
    fields:
      - { name: id, type: integer, description: Key. }
      - { name: tenant_id, type: string, description: Tenant. }
      - { name: body, type: json, description: A JSON document. }
  - name: broken_notes
    title: Broken notes
    description: A query that fails part way.
    source:
      query: >-
        SELECT id, CASE WHEN id = ${BAD_ROW} THEN @FAIL@ ELSE 'x' END AS word
        FROM notes WHERE tenant_id = :tenant
      table: notes
    primary_key: [id]
    fields:
      - { name: id, type: integer, description: Key. }
      - { name: word, type: string, computed: made by the query, description: A word. }
`;

/** One source database holding the notes, with what makes its query fail at {@link BAD_ROW}. */
interface Dialect {
  readonly name: string;
  /** An expression that fails when evaluated for one row. */
  readonly fail: string;
  open(): Promise<SourceDatabase>;
}

const passed = watchFailures();
let database: TestDatabase | undefined;
const dir = mkdtempSync(join(tmpdir(), 'portage-failures-'));

const DIALECTS: Dialect[] = [
  {
    name: 'sqlite',
    fail: 'CAST(abs(id - id - 9223372036854775807 - 1) AS TEXT)',
    open: () => {
      const file = join(dir, 'platform.sqlite');
      const db = new Database(file);
      db.exec('CREATE TABLE accounts (id TEXT PRIMARY KEY)');
      db.exec("INSERT INTO accounts VALUES ('acme')");
      db.exec(
        'CREATE TABLE notes (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, body TEXT NOT NULL)',
      );
      const insert = db.prepare('INSERT INTO notes VALUES (?, ?, ?)');
      db.transaction(() => {
        for (let id = 1; id <= ROWS; id++) insert.run(id, 'acme', bodyOf(id));
      })();
      db.close();
      return Promise.resolve(new SqliteSource(file));
    },
  },
  {
    name: 'postgres',
    fail: '(1 / (id - id))::text',
    open: async () => {
      database = await createTestDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query(
        "CREATE TABLE accounts (id text PRIMARY KEY); INSERT INTO accounts VALUES ('acme')",
      );
      await client.query(
        'CREATE TABLE notes (id integer PRIMARY KEY, tenant_id text NOT NULL, body jsonb NOT NULL)',
      );
      await client.query(
        `INSERT INTO notes SELECT id, 'acme', CASE WHEN id = ${BAD_ROW} THEN '{"x":1E400}' ELSE '{"x":1}' END::jsonb
         FROM generate_series(1, ${ROWS}) AS id`,
      );
      await client.end();
      return new PostgresSource(database.url);
    },
  },
];

function bodyOf(id: number): string {
  return id === BAD_ROW ? '{"x":1E400}' : '{"x":1}';
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropIfPassed(database, passed());
});

for (const dialect of DIALECTS) {
  describe(`an export from ${dialect.name} that meets a failure`, () => {
    let source: SourceDatabase;
    const catalog = parseCatalog('failures.yaml', CATALOG.replace('@FAIL@', dialect.fail));

    beforeAll(async () => {
      source = await dialect.open();
    });
    afterAll(async () => {
      await source.close();
    });

    const run = (purpose: string, formats: string[], categories: string[]) =>
      produceArchive(
        {
          exportId: 'exp_failure',
          tenant: 'acme',
          purpose,
          formats,
          categories,
          csv: { bom: false, formulaProtection: false },
          generatedAt: new Date('2025-07-01T00:00:00.000Z'),
        },
        { catalog, source, settings: { filesDir: dir } },
        new Writable({ write: (_chunk, _encoding, done) => done() }),
        { onProgress: () => undefined, signal: new AbortController().signal },
      ).then(
        () => null,
        (error: unknown) => classifyFailure(error),
      );

    for (const [purpose, format] of [
      ['migration', 'json'],
      ['migration', 'jsonl'],
      ['migration', 'csv'],
      ['duplication', 'bundle'],
    ] as const) {
      it(`fails a ${format} export with value_out_of_range naming category, field and row`, async () => {
        expect(await run(purpose, [format], ['notes'])).toEqual({
          code: 'value_out_of_range',
          message: expect.stringMatching(
            new RegExp(
              `^Category "notes", field "body", row id=${BAD_ROW}: value .* a number JSON cannot carry: 1(E400|0{400}) is beyond`,
            ),
          ) as unknown,
        });
      });
    }

    it('fails with source_read_failed when the query fails part way, naming the last row read', async () => {
      const failure = await run('migration', ['jsonl'], ['broken_notes']);
      expect(failure?.code).toBe('source_read_failed');
      expect(failure?.message).toMatch(
        /^Reading category "broken_notes"( after row id=\d+)? failed: (integer overflow|division by zero)$/,
      );
    });

    it('throws the error of work that leaves a read open, not one from closing the snapshot', async () => {
      const notes = {
        source: { kind: 'table', table: 'notes', tenantColumn: 'tenant_id', through: [] },
        columns: ['id'],
        orderBy: ['id'],
        tenant: 'acme',
      } as const;
      const work = source.withSnapshot(async (snapshot) => {
        const reading = snapshot.batches(notes)[Symbol.asyncIterator]();
        await reading.next();
        throw new Error('the consumer failed');
      });
      await expect(work).rejects.toThrow(/^the consumer failed$/);
    });

    it('still reads afterwards: the failed snapshot left nothing open', async () => {
      const rows = await source.withSnapshot(async (snapshot) =>
        snapshot.count({
          source: { kind: 'table', table: 'notes', tenantColumn: 'tenant_id', through: [] },
          tenant: 'acme',
        }),
      );
      expect(rows).toBe(ROWS);
    });
  });
}
