import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../catalog/index.js';
import { classifyFailure } from '../jobs/failure.js';
import { produceArchive } from '../jobs/produce-archive.js';
import {
  MysqlSource,
  PostgresSource,
  SqliteSource,
  type SourceDatabase,
} from '../sources/index.js';
import { connectMysql, createMysqlTestDatabase } from '../../test/support/mysql.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgClient,
  watchFailures,
  type TestDatabase,
} from '../../test/support/postgres.js';

/** Rows in the table: more than one read batch of either source. */
const ROWS = 1200;
/** The row whose value cannot be exported, whose query fails, whose read loses its connection. */
const BAD_ROW = 1100;

/** A category read by a query of the notes, whose `word` is `word` (an SQL expression). */
function queryCategory(name: string, title: string, description: string, word: string): string {
  return `  - name: ${name}
    title: ${title}
    description: ${description}
    source:
      query: >-
        SELECT id, ${word} AS word
        FROM notes WHERE tenant_id = :tenant
      table: notes
    primary_key: [id]
    fields:
      - { name: id, type: integer, description: Key. }
      - { name: word, type: string, computed: made by the query, description: A word. }`;
}

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
${queryCategory('broken_notes', 'Broken notes', 'A query that fails part way.', `CASE WHEN id = ${BAD_ROW} THEN @FAIL@ ELSE 'x' END`)}
${queryCategory('plain_notes', 'Plain notes', 'Notes that all export, for a writer that fails.', '@WIDE@')}
${queryCategory('cut_notes', 'Cut notes', 'A read whose connection is lost part way.', `CASE WHEN id = ${BAD_ROW} THEN @CUT@ ELSE 'x' END`)}
`;

/** One source database holding the notes, with what makes its query fail at {@link BAD_ROW}. */
interface Dialect {
  readonly name: string;
  /** An expression that fails when evaluated for one row. */
  readonly fail: string;
  /** A text of about 1 kB for each row, so that the rows fill several data-file parts. */
  readonly wide: string;
  /** An expression that ends the reading connection when evaluated for one row (or `'x'`). */
  readonly cut: string;
  /**
   * Whether rows were handed over before the loss: MySQL's row stream drops
   * the rows it holds when its connection fails.
   */
  readonly lostAfterRows: boolean;
  open(): Promise<SourceDatabase>;
  /**
   * A source whose connection is lost while it reads: by {@link cut}, or by
   * `onFirstBatch`, run (synchronously) when the first batch is written.
   */
  lose(): { source: SourceDatabase; onFirstBatch: () => void };
}

const passed = watchFailures();
const databases: TestDatabase[] = [];
const dir = mkdtempSync(join(tmpdir(), 'portage-failures-'));

const DIALECTS: Dialect[] = [
  {
    name: 'sqlite',
    fail: 'CAST(abs(id - id - 9223372036854775807 - 1) AS TEXT)',
    wide: 'substr(body, 1, 1000)',
    cut: "'x'",
    lostAfterRows: true,
    open: () => {
      const db = new Database(SQLITE_FILE);
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
      return Promise.resolve(new SqliteSource(SQLITE_FILE));
    },
    lose: () => {
      // SQLite has no connection to lose: its file is, cut to nothing under
      // the read (the rows of the second batch are in pages not yet read).
      const file = join(dir, 'lost.sqlite');
      copyFileSync(SQLITE_FILE, file);
      return { source: new SqliteSource(file), onFirstBatch: () => truncateSync(file, 0) };
    },
  },
  {
    name: 'postgres',
    fail: '(1 / (id - id))::text',
    // PostgreSQL evaluates the whole ordered query before its first row: the
    // connection is ended from another, between two reads of the cursor.
    wide: "repeat('x', 1000)",
    cut: "'x'",
    lostAfterRows: true,
    open: async () => {
      const database = await createTestDatabase();
      databases.push(database);
      const client = pgClient({ connectionString: database.url });
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
    lose: () => {
      const url = databases.at(-1)!.url;
      const terminate = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`;
      return {
        source: new PostgresSource(url),
        onFirstBatch: () => execFileSync('psql', [url, '-Atc', terminate]),
      };
    },
  },
  {
    name: 'mysql',
    fail: 'CAST(id - id + 9223372036854775807 + 1 AS CHAR)',
    wide: "REPEAT('x', 1000)",
    cut: 'CAST(cut_connection() AS CHAR)',
    lostAfterRows: false,
    open: async () => {
      const database = await createMysqlTestDatabase();
      databases.push(database);
      const db = await connectMysql(database.url);
      await db.query(`
        CREATE TABLE accounts (id VARCHAR(40) PRIMARY KEY);
        INSERT INTO accounts VALUES ('acme');
        CREATE TABLE notes (id INT PRIMARY KEY, tenant_id VARCHAR(40) NOT NULL, body JSON NOT NULL);
        INSERT INTO notes VALUES ${Array.from({ length: ROWS }, (_, i) => `(${i + 1}, 'acme', '${bodyOf(i + 1)}')`).join(', ')};
        CREATE FUNCTION cut_connection() RETURNS INT NOT DETERMINISTIC
          BEGIN KILL CONNECTION CONNECTION_ID(); RETURN 1; END;
      `);
      await db.end();
      return new MysqlSource(database.url);
    },
    lose: () => ({ source: new MysqlSource(databases.at(-1)!.url), onFirstBatch: () => {} }),
  },
];

const SQLITE_FILE = join(dir, 'platform.sqlite');
/** Text that fills the SQLite rows, so that the notes span many pages. */
const PADDING = 'p'.repeat(1000);

function bodyOf(id: number): string {
  return id === BAD_ROW ? '{"x":1E400}' : `{"x":1,"pad":"${PADDING}"}`;
}

/** Each data format, with a purpose that writes it. */
const FORMATS = [
  ['migration', 'json'],
  ['migration', 'jsonl'],
  ['migration', 'csv'],
  ['duplication', 'bundle'],
] as const;

/** An error and the errors it was caused by, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 10; e = (e as Error).cause) chain.push(e);
  return chain;
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const database of databases) await dropIfPassed(database, passed());
});

for (const dialect of DIALECTS) {
  describe(`an export from ${dialect.name} that meets a failure`, () => {
    let source: SourceDatabase;
    const catalog = parseCatalog(
      'failures.yaml',
      CATALOG.replace('@FAIL@', dialect.fail)
        .replace('@CUT@', dialect.cut)
        .replace('@WIDE@', dialect.wide),
    );

    beforeAll(async () => {
      source = await dialect.open();
    });
    afterAll(async () => {
      await source.close();
    });

    const run = (
      purpose: string,
      formats: string[],
      categories: string[],
      from = source,
      onProgress: () => void = () => undefined,
    ) =>
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
        { catalog, source: from, settings: { filesDir: dir } },
        new Writable({ write: (_chunk, _encoding, done) => done() }),
        { onProgress, signal: new AbortController().signal },
      ).then(
        () => null,
        (error: unknown) => classifyFailure(error),
      );

    for (const [purpose, format] of FORMATS) {
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
        /^Reading category "broken_notes"( after row id=\d+)? failed: (integer overflow|division by zero|BIGINT UNSIGNED value is out of range in .*|BIGINT value is out of range in .*)$/,
      );
    });

    it('fails with source_read_failed when the connection is lost part way, naming the last row read', async () => {
      const { source: lost, onFirstBatch } = dialect.lose();
      let batches = 0;
      try {
        const failure = await run('migration', ['jsonl'], ['cut_notes'], lost, () => {
          if (++batches === 1) onFirstBatch();
        });
        expect(failure).toEqual({
          code: 'source_read_failed',
          message: expect.stringMatching(
            /^Reading category "cut_notes"( after row id=\d+)? failed: (terminating connection due to administrator command|Connection terminated unexpectedly|read ECONNRESET|Connection was killed|database disk image is malformed|disk I\/O error)$/,
          ) as unknown,
        });
        expect(failure?.message.includes(' after row id='), failure?.message).toBe(
          dialect.lostAfterRows,
        );
      } finally {
        await lost.close();
      }
    });

    for (const [purpose, format] of FORMATS) {
      it(`fails a ${format} export whose output fails mid-read with that error, not one from closing the read`, async () => {
        const full = new Error('ENOSPC: no space left on device, write');
        let batches = 0;
        const failure = await produceArchive(
          {
            exportId: 'exp_full',
            tenant: 'acme',
            purpose,
            formats: [format],
            categories: ['plain_notes'],
            csv: { bom: false, formulaProtection: false },
            generatedAt: new Date('2025-07-01T00:00:00.000Z'),
          },
          // Small parts: the first is written out while the rows of the next are read.
          { catalog, source, settings: { filesDir: dir, partBytes: 64 * 1024 } },
          new Writable({ write: (_chunk, _encoding, done) => done(full) }),
          { onProgress: () => void batches++, signal: new AbortController().signal },
        ).then(
          () => null,
          (error: unknown) => error,
        );
        expect(causes(failure)).toContain(full);
        // The read was still open: the last of its (at least two) batches was not handed over.
        expect(batches).toBeLessThan(2);
      });
    }

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
