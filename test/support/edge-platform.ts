import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { parseCatalog, type Catalog, type FieldType } from '../../src/catalog/index.js';
import {
  MysqlWriter,
  PostgresWriter,
  SqliteWriter,
  type PlatformWriter,
} from '../../src/import/index.js';
import {
  MysqlSource,
  PostgresSource,
  SqliteSource,
  type SourceDatabase,
} from '../../src/sources/index.js';
import { createMysqlTestDatabase } from './mysql.js';
import { createTestDatabase, pgPool, type TestDatabase } from './postgres.js';

/** The source databases the edge-value suite runs on. */
export type EdgeDialect = 'sqlite' | 'postgres' | 'mysql';

/** One column of an edge table: a catalog field and, per dialect, the column type holding it. */
export interface EdgeColumn {
  readonly name: string;
  readonly type: FieldType;
  /** `timestamp`: fractional digits; `decimal`: digits in all. */
  readonly precision?: number;
  /** `decimal`: digits after the point. */
  readonly scale?: number;
  readonly ddl: { readonly [dialect in EdgeDialect]: string };
}

/** One table per family of types; each also has `id` (integer key) and `tenant_id`. */
export interface EdgeTable {
  readonly name: string;
  readonly columns: readonly EdgeColumn[];
}

/** Decimal columns hold 30 digits, 10 after the point. */
export const DECIMAL_PRECISION = 30;
export const DECIMAL_SCALE = 10;

/** The type families, each a table of the edge platform. */
export const EDGE_TABLES: readonly EdgeTable[] = [
  {
    name: 'numbers',
    columns: [
      {
        name: 'n_integer',
        type: 'integer',
        ddl: { sqlite: 'INTEGER', postgres: 'bigint', mysql: 'BIGINT' },
      },
      {
        name: 'n_bigint',
        type: 'bigint',
        ddl: { sqlite: 'INTEGER', postgres: 'bigint', mysql: 'BIGINT' },
      },
      {
        name: 'n_decimal',
        type: 'decimal',
        precision: DECIMAL_PRECISION,
        scale: DECIMAL_SCALE,
        ddl: {
          sqlite: 'TEXT',
          postgres: `numeric(${DECIMAL_PRECISION},${DECIMAL_SCALE})`,
          mysql: `DECIMAL(${DECIMAL_PRECISION},${DECIMAL_SCALE})`,
        },
      },
      {
        name: 'n_float',
        type: 'float',
        ddl: { sqlite: 'REAL', postgres: 'double precision', mysql: 'DOUBLE' },
      },
    ],
  },
  {
    name: 'times',
    columns: [0, 1, 2, 3, 4, 5, 6].map((p) => ({
      name: `t_${p}`,
      type: 'timestamp' as const,
      precision: p,
      ddl: { sqlite: 'TEXT', postgres: `timestamptz(${p})`, mysql: `DATETIME(${p})` },
    })),
  },
  {
    name: 'days',
    columns: [
      { name: 'd_date', type: 'date', ddl: { sqlite: 'TEXT', postgres: 'date', mysql: 'DATE' } },
    ],
  },
  {
    name: 'texts',
    columns: [
      {
        name: 's_text',
        type: 'string',
        ddl: { sqlite: 'TEXT', postgres: 'text', mysql: 'LONGTEXT' },
      },
    ],
  },
  {
    name: 'documents',
    columns: [
      { name: 'j_json', type: 'json', ddl: { sqlite: 'TEXT', postgres: 'json', mysql: 'JSON' } },
    ],
  },
  {
    name: 'binaries',
    columns: [
      {
        name: 'b_bytes',
        type: 'bytes',
        ddl: { sqlite: 'BLOB', postgres: 'bytea', mysql: 'LONGBLOB' },
      },
      {
        name: 'u_uuid',
        type: 'uuid',
        ddl: { sqlite: 'TEXT', postgres: 'uuid', mysql: 'CHAR(36)' },
      },
      {
        name: 'u_binary',
        type: 'uuid',
        ddl: { sqlite: 'TEXT', postgres: 'uuid', mysql: 'BINARY(16)' },
      },
      {
        name: 'b_flag',
        type: 'boolean',
        ddl: { sqlite: 'INTEGER', postgres: 'boolean', mysql: 'TINYINT(1)' },
      },
    ],
  },
];

/** The catalog of the edge platform: an account category and one category per table. */
export function edgeCatalog(): Catalog {
  const lines = [
    "version: '1.0.0'",
    'platform: { name: Edge values, description: One table per family of catalog types. }',
    'categories:',
    '  - name: accounts',
    '    title: Accounts',
    '    description: The tenant itself.',
    '    account: { display_field: name }',
    '    source: { table: accounts, tenant_column: id }',
    '    primary_key: [id]',
    '    fields:',
    '      - { name: id, type: string, description: The tenant id. }',
    '      - { name: name, type: string, description: Its name. }',
  ];
  for (const table of EDGE_TABLES) {
    lines.push(
      `  - name: ${table.name}`,
      `    title: ${table.name}`,
      `    description: Values at the edges of each type.`,
      `    source: { table: ${table.name}, tenant_column: tenant_id }`,
      '    primary_key: [id]',
      '    fields:',
      '      - { name: id, type: integer, description: The key. }',
      '      - { name: tenant_id, type: string, description: The tenant. }',
    );
    for (const c of table.columns) {
      const extra = [
        c.precision === undefined ? '' : `, precision: ${c.precision}`,
        c.scale === undefined ? '' : `, scale: ${c.scale}`,
      ].join('');
      lines.push(
        `      - { name: ${c.name}, type: ${c.type}${extra}, nullable: true, description: A value. }`,
      );
    }
  }
  return parseCatalog('edge-values.yaml', lines.join('\n') + '\n');
}

/** The CREATE TABLE statements of the edge platform in one dialect. */
export function edgeSchemaSql(dialect: EdgeDialect): string[] {
  const text = dialect === 'mysql' ? 'VARCHAR(64)' : 'TEXT';
  const key = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return [
    `CREATE TABLE accounts (id ${text} PRIMARY KEY, name ${text} NOT NULL)`,
    ...EDGE_TABLES.map(
      (t) =>
        `CREATE TABLE ${t.name} (id ${key} PRIMARY KEY, tenant_id ${text} NOT NULL REFERENCES accounts (id), ` +
        t.columns.map((c) => `${c.name} ${c.ddl[dialect]}`).join(', ') +
        ')',
    ),
  ];
}

/** A value as the test writes it into a source: its SQL parameter. */
export type EdgeParameter = string | number | bigint | boolean | Buffer | null;

/** One platform (database) of the edge suite: written by the test, read back as text. */
export interface EdgePlatform {
  readonly dialect: EdgeDialect;
  /** Inserts rows (`id`, `tenant_id` then the table's columns, in order). */
  insert(table: string, rows: readonly (readonly EdgeParameter[])[]): Promise<void>;
  /** Runs one statement with parameters (for values the suite writes with SQL of its own). */
  exec(sql: string, params?: readonly EdgeParameter[]): Promise<void>;
  /**
   * Every row of `table` of one tenant, ordered by key, each column as an
   * exact text the database prints (bytes as hex, text as the hex of its UTF-8).
   */
  dump(table: EdgeTable, tenant: string): Promise<string[][]>;
  /** A source reading this platform (close it after use). */
  source(): SourceDatabase;
  /** A writer importing into this platform (close it after use). */
  writer(): PlatformWriter;
  close(): Promise<void>;
  /** The database kept for inspection when a test fails, or dropped. */
  readonly database: TestDatabase | null;
}

/** A fresh, empty edge platform in `dialect`. */
export async function createEdgePlatform(dialect: EdgeDialect): Promise<EdgePlatform> {
  switch (dialect) {
    case 'sqlite':
      return sqlitePlatform();
    case 'postgres':
      return postgresPlatform();
    case 'mysql':
      return mysqlPlatform();
  }
}

async function sqlitePlatform(): Promise<EdgePlatform> {
  const file = join(await mkdtemp(join(tmpdir(), 'portage-edge-')), 'platform.sqlite');
  const db = new Database(file);
  for (const sql of edgeSchemaSql('sqlite')) db.exec(sql);
  const bind = (v: EdgeParameter) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
  return {
    dialect: 'sqlite',
    database: null,
    insert: (table, rows) => {
      db.transaction(() => {
        for (const row of rows) {
          db.prepare(`INSERT INTO ${table} VALUES (${row.map(() => '?').join(', ')})`).run(
            ...row.map(bind),
          );
        }
      })();
      return Promise.resolve();
    },
    exec: (sql, params = []) => {
      db.prepare(sql).run(...params.map(bind));
      return Promise.resolve();
    },
    dump: (table, tenant) => {
      const columns = table.columns.map(
        (c) =>
          `typeof(${c.name}) || ':' || CASE typeof(${c.name})
             WHEN 'real' THEN printf('%!.17g', ${c.name})
             WHEN 'text' THEN hex(${c.name})
             WHEN 'blob' THEN hex(${c.name})
             ELSE coalesce(${c.name}, '') END`,
      );
      const rows = db
        .prepare(
          `SELECT id, ${columns.join(', ')} FROM ${table.name} WHERE tenant_id = ? ORDER BY id`,
        )
        .raw(true)
        .safeIntegers(true)
        .all(tenant) as unknown[][];
      return Promise.resolve(rows.map((r) => r.map(String)));
    },
    source: () => new SqliteSource(file),
    writer: () => new SqliteWriter(file),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function postgresPlatform(): Promise<EdgePlatform> {
  const database = await createTestDatabase();
  const pool = pgPool({ connectionString: database.url, max: 2, options: '-c TimeZone=UTC' });
  for (const sql of edgeSchemaSql('postgres')) await pool.query(sql);
  const param = (v: EdgeParameter) => (typeof v === 'bigint' ? v.toString() : v);
  return {
    dialect: 'postgres',
    database,
    insert: async (table, rows) => {
      for (const row of rows) {
        await pool.query(
          `INSERT INTO ${table} VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`,
          row.map(param),
        );
      }
    },
    exec: async (sql, params = []) => {
      await pool.query(sql, params.map(param));
    },
    dump: async (table, tenant) => {
      const columns = table.columns.map((c) =>
        c.type === 'string' ? `encode(convert_to(${c.name}, 'UTF8'), 'hex')` : `${c.name}::text`,
      );
      const result = await pool.query({
        text: `SELECT id::text, ${columns.join(', ')} FROM ${table.name} WHERE tenant_id = $1 ORDER BY id`,
        values: [tenant],
        rowMode: 'array',
      });
      return (result.rows as (string | null)[][]).map((r) => r.map((v) => v ?? '<null>'));
    },
    source: () => new PostgresSource(database.url),
    writer: () => new PostgresWriter(pool),
    close: () => pool.end(),
  };
}

async function mysqlPlatform(): Promise<EdgePlatform> {
  const database = await createMysqlTestDatabase();
  const connection = await mysql.createConnection({
    uri: database.url,
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await connection.query("SET time_zone = '+00:00'");
  for (const sql of edgeSchemaSql('mysql')) await connection.query(sql);
  const param = (v: EdgeParameter) => (typeof v === 'bigint' ? v.toString() : v);
  return {
    dialect: 'mysql',
    database,
    insert: async (table, rows) => {
      for (const row of rows) {
        // Integers as literals: a quoted number beyond 2^53 would pass through a double.
        const cells = row.map((v) => (typeof v === 'bigint' ? v.toString() : '?'));
        await connection.query(
          `INSERT INTO ${table} VALUES (${cells.join(', ')})`,
          row.filter((v) => typeof v !== 'bigint').map(param),
        );
      }
    },
    exec: async (sql, params = []) => {
      await connection.query(sql, params.map(param));
    },
    dump: async (table, tenant) => {
      const columns = table.columns.map((c) =>
        c.type === 'string' || c.type === 'bytes' || c.type === 'json' || c.type === 'uuid'
          ? `HEX(${c.name})`
          : `CAST(${c.name} AS CHAR)`,
      );
      const [rows] = await connection.query({
        sql: `SELECT CAST(id AS CHAR), ${columns.join(', ')} FROM ${table.name} WHERE tenant_id = ? ORDER BY id`,
        values: [tenant],
        rowsAsArray: true,
      });
      return (rows as (string | null)[][]).map((r) => r.map((v) => v ?? '<null>'));
    },
    source: () => new MysqlSource(database.url),
    writer: () => new MysqlWriter(database.url),
    close: () => connection.end(),
  };
}
