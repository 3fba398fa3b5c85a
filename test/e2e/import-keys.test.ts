import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import {
  importBundle,
  MysqlWriter,
  PostgresWriter,
  SqliteWriter,
  type ImportOptions,
  type ImportResult,
  type PlatformWriter,
} from '../../src/import/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import {
  MysqlSource,
  openMysqlPool,
  PostgresSource,
  SqliteSource,
  type SourceDatabase,
} from '../../src/sources/index.js';
import { createMysqlTestDatabase } from '../support/mysql.js';
import {
  createTestDatabase,
  dropIfPassed,
  pgPool,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';
import { editBundle } from './import-fixtures.js';
import {
  keysCatalog,
  KEYS_MYSQL_SCHEMA,
  KEYS_POSTGRES_SCHEMA,
  KEYS_SEED,
  KEYS_SQLITE_SCHEMA,
  KEYS_TABLES,
  mysqlSeed,
} from './import-keys-platform.js';

/** One platform database of the test, whatever its dialect. */
interface Platform {
  exec(sql: string): Promise<void>;
  /** Rows as JSON-comparable arrays. */
  rows(sql: string): Promise<unknown[][]>;
  /** Rows whose foreign key leads nowhere (PostgreSQL enforces them as rows are written). */
  danglingReferences(): Promise<unknown[][]>;
  source(): SourceDatabase;
  writer(): PlatformWriter;
  close(): Promise<void>;
}

interface Dialect {
  readonly name: string;
  /** A platform with the schema; with `seed`, the rows of the three tenants. */
  create(seed: boolean): Promise<Platform>;
  /** Whether a new row without a key gets one past every imported key (a sequence). */
  readonly sequences: boolean;
  dispose(passed: boolean): Promise<void>;
}

const comparable = (value: unknown): unknown => {
  if (typeof value === 'bigint') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.toISOString();
  return value;
};

const sqlite: Dialect = {
  name: 'SQLite',
  sequences: false,
  async create(seed) {
    const file = join(await mkdtemp(join(tmpdir(), 'portage-import-keys-')), 'platform.sqlite');
    const db = new Database(file);
    db.exec(KEYS_SQLITE_SCHEMA);
    for (const sql of seed ? KEYS_SEED : []) {
      db.exec(sql.replace('OVERRIDING_SYSTEM_VALUE', ''));
    }
    return {
      exec: (sql) => Promise.resolve(void db.exec(sql)),
      rows: (sql) =>
        Promise.resolve(
          (db.prepare(sql).raw(true).safeIntegers(true).all() as unknown[][]).map((r) =>
            r.map(comparable),
          ),
        ),
      danglingReferences: () =>
        Promise.resolve(db.prepare('PRAGMA foreign_key_check').raw(true).all() as unknown[][]),
      source: () => new SqliteSource(file),
      writer: () => new SqliteWriter(file),
      close: () => Promise.resolve(void db.close()),
    };
  },
  dispose: () => Promise.resolve(),
};

const databases: TestDatabase[] = [];
const postgres: Dialect = {
  name: 'PostgreSQL',
  sequences: true,
  async create(seed) {
    const database = await createTestDatabase();
    databases.push(database);
    const pool = pgPool({ connectionString: database.url });
    await pool.query(KEYS_POSTGRES_SCHEMA);
    for (const sql of seed ? KEYS_SEED : []) {
      await pool.query(
        sql
          .replace('OVERRIDING_SYSTEM_VALUE', 'OVERRIDING SYSTEM VALUE')
          .replace(/X'([0-9a-f]*)'/g, "'\\x$1'::bytea"),
      );
    }
    return {
      exec: async (sql) => void (await pool.query(sql)),
      rows: async (sql) =>
        ((await pool.query({ text: sql, rowMode: 'array' })).rows as unknown[][]).map((r) =>
          r.map(comparable),
        ),
      danglingReferences: () => Promise.resolve([]),
      source: () => new PostgresSource(database.url),
      writer: () => new PostgresWriter(pool),
      close: () => pool.end(),
    };
  },
  async dispose(passed) {
    for (const database of databases.splice(0)) await dropIfPassed(database, passed);
  },
};

const mysqlDatabases: TestDatabase[] = [];
const mysql: Dialect = {
  name: 'MySQL',
  sequences: true,
  async create(seed) {
    const database = await createMysqlTestDatabase();
    mysqlDatabases.push(database);
    const pool = openMysqlPool(database.url, 2);
    for (const sql of KEYS_MYSQL_SCHEMA.split(';').filter((s) => s.trim() !== '')) {
      await pool.query(sql);
    }
    for (const sql of seed ? KEYS_SEED : []) await pool.query(mysqlSeed(sql));
    return {
      exec: async (sql) => void (await pool.query(sql)),
      rows: async (sql) =>
        ((await pool.query({ sql, rowsAsArray: true }))[0] as unknown[][]).map((r) =>
          r.map(comparable),
        ),
      danglingReferences: () => Promise.resolve([]),
      source: () => new MysqlSource(database.url),
      writer: () => new MysqlWriter(database.url),
      close: () => pool.end(),
    };
  },
  async dispose(passed) {
    for (const database of mysqlDatabases.splice(0)) await dropIfPassed(database, passed);
  },
};

async function exportOrg(
  platform: Platform,
  tenant: string,
): Promise<{ file: string; manifest: Manifest }> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-import-keys-zip-'));
  await mkdir(join(dir, 'files'));
  const file = join(dir, `${tenant}.zip`);
  const source = platform.source();
  const output = createWriteStream(file);
  try {
    const result = await produceArchive(
      {
        exportId: 'exp_import_keys',
        tenant,
        purpose: 'duplication',
        formats: ['bundle'],
        categories: keysCatalog.categories.filter((c) => c.included).map((c) => c.name),
        csv: { bom: false, formulaProtection: false },
        generatedAt: new Date('2025-01-01T00:00:00.000Z'),
      },
      { catalog: keysCatalog, source, settings: { filesDir: join(dir, 'files') } },
      output,
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await finished(output);
    return { file, manifest: result.manifest };
  } finally {
    await source.close();
  }
}

async function importInto(
  platform: Platform,
  file: string,
  options: Partial<ImportOptions>,
): Promise<ImportResult> {
  const target = platform.writer();
  try {
    return await importBundle({
      file,
      catalog: keysCatalog,
      target,
      tenant: 'north',
      ...options,
    });
  } finally {
    await target.close();
  }
}

/** Every row of every table (of one tenant, when given), ordered by primary key. */
async function everyRow(platform: Platform, tenant?: string): Promise<Record<string, unknown[][]>> {
  const out: Record<string, unknown[][]> = {};
  for (const table of KEYS_TABLES) {
    const rows =
      tenant === undefined
        ? `SELECT * FROM ${table.name}`
        : table.tenantRows.replaceAll('$t', `'${tenant}'`);
    out[table.name] = await platform.rows(`${rows} ORDER BY ${table.key}`);
  }
  return out;
}

/** The rows of `tenant` in each table (through the boards for cards and their notes). */
const TENANT_ROWS: Record<string, string> = {
  members: `SELECT id FROM members WHERE org_id = $t ORDER BY id`,
  boards: `SELECT id FROM boards WHERE org_id = $t ORDER BY id`,
  cards: `SELECT c.board_id, c.number FROM cards c JOIN boards b ON b.id = c.board_id
          WHERE b.org_id = $t ORDER BY 1, 2`,
  card_notes: `SELECT n.id FROM card_notes n JOIN boards b ON b.id = n.board_id
               WHERE b.org_id = $t ORDER BY 1`,
  tags: `SELECT name FROM tags WHERE org_id = $t ORDER BY 1`,
  links: `SELECT id FROM links WHERE org_id = $t ORDER BY 1`,
};

const tenantRows = (platform: Platform, table: string, tenant: string) =>
  platform.rows(TENANT_ROWS[table]!.replaceAll('$t', `'${tenant}'`));

/** References of `tenant`'s rows that lead to a row of another tenant, or to nothing. */
const STRAY_REFERENCES = `
  SELECT 'members.manager_id' FROM members m LEFT JOIN members p ON p.id = m.manager_id
   WHERE m.org_id = $t AND m.manager_id IS NOT NULL AND (p.id IS NULL OR p.org_id <> $t)
  UNION ALL
  SELECT 'members.favorite_board_id' FROM members m LEFT JOIN boards b ON b.id = m.favorite_board_id
   WHERE m.org_id = $t AND m.favorite_board_id IS NOT NULL AND (b.id IS NULL OR b.org_id <> $t)
  UNION ALL
  SELECT 'boards.owner_id' FROM boards b LEFT JOIN members m ON m.id = b.owner_id
   WHERE b.org_id = $t AND (m.id IS NULL OR m.org_id <> $t)
  UNION ALL
  SELECT 'links.card' FROM links l LEFT JOIN boards b ON b.id = l.board_id
   LEFT JOIN cards c ON c.board_id = l.board_id AND c.number = l.card_number
   WHERE l.org_id = $t AND (c.number IS NULL OR b.org_id <> $t)
  UNION ALL
  SELECT 'links.tag' FROM links l LEFT JOIN tags g ON g.org_id = l.org_id AND g.name = l.tag
   WHERE l.org_id = $t AND g.name IS NULL`;

const passed = watchFailures();
afterAll(async () => {
  await postgres.dispose(passed());
  await mysql.dispose(passed());
});

for (const dialect of [sqlite, postgres, mysql]) {
  describe(`imports of every key type into ${dialect.name}`, () => {
    let origin: Platform;
    let bundle: { file: string; manifest: Manifest };
    beforeAll(async () => {
      origin = await dialect.create(true);
      bundle = await exportOrg(origin, 'north');
    });
    afterAll(async () => {
      await origin?.close();
    });

    it('preserve into an empty platform, exported again: the same content_sha256 and the same rows', async () => {
      const fresh = await dialect.create(false);
      try {
        const result = await importInto(fresh, bundle.file, { mode: 'preserve', trusted: true });
        expect(result.error).toBeNull();
        expect(result.counts).toMatchObject({ members: 3, boards: 2, cards: 3, card_notes: 3 });
        const again = await exportOrg(fresh, 'north');
        expect(again.manifest.content_sha256).toBe(bundle.manifest.content_sha256);
        const north = await everyRow(origin, 'north');
        expect(await everyRow(fresh)).toEqual(north);
        expect(await fresh.danglingReferences()).toEqual([]);
        expect(Object.values(north).every((rows) => rows.length > 0)).toBe(true);
        if (dialect.sequences) {
          // A row the platform adds after the import gets a key past every imported one.
          await fresh.exec(
            `INSERT INTO members (org_id, email) VALUES ('north', 'new@north.test')`,
          );
          await fresh.exec(
            `INSERT INTO card_notes (board_id, card_number, body)
             SELECT board_id, number, 'new' FROM cards LIMIT 1`,
          );
          await fresh.exec(
            `INSERT INTO cards (board_id, title, state) SELECT id, 'new', 'open' FROM boards LIMIT 1`,
          );
        }
      } finally {
        await fresh.close();
      }
    });

    it('remap into another tenant: the same counts, new keys, every reference inside it, the singleton updated', async () => {
      const target = await dialect.create(true);
      try {
        const others = {
          north: await everyRow(target, 'north'),
          west: await everyRow(target, 'west'),
        };
        const result = await importInto(target, bundle.file, {
          mode: 'remap',
          tenant: 'south',
          trusted: true,
        });
        expect(result.error).toBeNull();
        expect(result.counts).toMatchObject({ orgs: 0, org_settings: 1, members: 3, tags: 2 });
        for (const table of Object.keys(TENANT_ROWS)) {
          const north = await tenantRows(target, table, 'north');
          const south = await tenantRows(target, table, 'south');
          expect(south.length, table).toBe(north.length);
          if (table !== 'tags') {
            const used = new Set(
              [...north, ...(await tenantRows(target, table, 'west'))].map((r) =>
                JSON.stringify(r),
              ),
            );
            expect(
              south.filter((r) => used.has(JSON.stringify(r))),
              table,
            ).toEqual([]);
          }
        }
        expect(await target.rows(STRAY_REFERENCES.replaceAll('$t', `'south'`))).toEqual([]);
        expect(await target.danglingReferences()).toEqual([]);
        // The manager of the first two members is the third, written after them.
        const managers = await target.rows(
          `SELECT count(*) FROM members WHERE org_id = 'south' AND manager_id IS NOT NULL`,
        );
        expect(managers).toEqual([[dialect.name === 'SQLite' ? '2' : '2']]);
        expect(
          await target.rows(`SELECT theme, seats FROM org_settings WHERE org_id = 'south'`),
        ).toEqual([['dark', dialect.name === 'SQLite' ? '40' : 40]]);
        expect(await target.rows(`SELECT plan FROM orgs WHERE id = 'south'`)).toEqual([['team']]);
        // Other tenants' rows are untouched.
        expect({
          north: await everyRow(target, 'north'),
          west: await everyRow(target, 'west'),
        }).toEqual(others);
        if (dialect.sequences) {
          await target.exec(
            `INSERT INTO members (org_id, email) VALUES ('south', 'new@south.test')`,
          );
        }
      } finally {
        await target.close();
      }
    });

    it('preserve into a database where another tenant holds the keys: id_unavailable naming none; a dry run reveals nothing', async () => {
      const target = await dialect.create(true);
      try {
        const before = await everyRow(target);
        const dry = await importInto(target, bundle.file, {
          mode: 'preserve',
          tenant: 'south',
          dryRun: true,
          trusted: true,
        });
        expect(dry).toMatchObject({ status: 'completed', conflicts: [], error: null });
        const real = await importInto(target, bundle.file, {
          mode: 'preserve',
          tenant: 'south',
          trusted: true,
        });
        expect(real).toMatchObject({ status: 'failed', conflicts: [] });
        expect(real.error?.code).toBe('id_unavailable');
        const own = await importInto(target, bundle.file, { mode: 'preserve', trusted: true });
        expect(own.error?.code).toBe('id_conflict');
        expect(own.conflicts).toContainEqual({ category: 'members', key: 1 });
        expect(own.conflicts).toContainEqual({ category: 'tags', key: ['north', 'urgent'] });
        expect(own.conflicts.every((c) => JSON.stringify(c.key).includes('west') === false)).toBe(
          true,
        );
        expect(await everyRow(target)).toEqual(before);
      } finally {
        await target.close();
      }
    });

    it('an untrusted bundle keeps platform-owned fields: an existing singleton keeps its seats, a new one gets the database default', async () => {
      const target = await dialect.create(true);
      try {
        const forged = await editBundle(
          bundle.file,
          (path, bytes) =>
            path === 'data/org_settings.jsonl'
              ? Buffer.from(bytes.toString('utf8').replace('"seats":40', '"seats":9999'))
              : bytes,
          true,
        );
        const result = await importInto(target, forged, { mode: 'remap', tenant: 'south' });
        expect(result).toMatchObject({ status: 'completed', trusted: false, error: null });
        expect(
          await target.rows(`SELECT theme, seats FROM org_settings WHERE org_id = 'south'`),
        ).toEqual([['dark', dialect.name === 'SQLite' ? '3' : 3]]);
        const east = await importInto(target, forged, { mode: 'remap', tenant: 'east' });
        expect(east.error).toBeNull();
        expect(
          await target.rows(`SELECT theme, seats FROM org_settings WHERE org_id = 'east'`),
        ).toEqual([['dark', dialect.name === 'SQLite' ? '1' : 1]]);
      } finally {
        await target.close();
      }
    });
  });
}
