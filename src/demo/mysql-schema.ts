import { quoteIdent } from '../sources/index.js';
import type { DemoSchema, DemoTable } from './demo-schema.js';

/**
 * The MySQL/MariaDB type holding the same values as a demo column's
 * PostgreSQL type: `uuid` as `CHAR(36)`, `timestamptz` as `DATETIME(6)` and `timestamptz(p)` as `DATETIME(p)` (UTC:
 * sessions run at `+00:00`), `boolean` as `TINYINT(1)`, `jsonb` as `JSON`,
 * `bytea` as `LONGBLOB`, an unscaled `numeric` as `DECIMAL(30,10)` (the
 * catalog's scale decides the digits exported), an enum as `ENUM(…)`, and
 * text as `VARCHAR(191)` where a key or an index reads it (utf8mb4 keys are
 * limited in length), `LONGTEXT` otherwise.
 */
export function mysqlColumnType(pgType: string, keyed: boolean, schema: DemoSchema): string {
  const enumType = schema.enums.find((e) => e.name === pgType);
  if (enumType !== undefined) {
    return `ENUM(${enumType.values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})`;
  }
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(pgType);
  if (numeric) return `DECIMAL(${numeric[1]},${numeric[2]})`;
  const stamp = /^timestamptz\((\d)\)$/.exec(pgType);
  if (stamp) return `DATETIME(${stamp[1]})`;
  switch (pgType) {
    case 'bigint':
      return 'BIGINT';
    case 'integer':
      return 'INT';
    case 'boolean':
      return 'TINYINT(1)';
    case 'uuid':
      return 'CHAR(36)';
    case 'timestamptz':
      return 'DATETIME(6)';
    case 'date':
      return 'DATE';
    case 'jsonb':
      return 'JSON';
    case 'bytea':
      return 'LONGBLOB';
    case 'double precision':
      return 'DOUBLE';
    case 'numeric':
      return 'DECIMAL(30,10)';
    case 'text':
      return keyed ? 'VARCHAR(191)' : 'LONGTEXT';
    default:
      throw new Error(`no MySQL type for the demo column type ${pgType}`);
  }
}

/** The columns of `table` a key, a foreign key or one of the schema's indexes reads. */
export function keyedColumns(table: DemoTable, schema: DemoSchema): Set<string> {
  const keyed = new Set<string>([...table.primaryKey]);
  if (table.tenantColumn !== null) keyed.add(table.tenantColumn);
  for (const c of table.columns) if (c.references !== undefined) keyed.add(c.name);
  for (const fk of table.foreignKeys ?? []) for (const c of fk.columns) keyed.add(c);
  for (const other of schema.tables) {
    for (const c of other.columns) {
      const match = /^(\w+)\((\w+)\)$/.exec(c.references ?? '');
      if (match?.[1] === table.name && match[2]) keyed.add(match[2]);
    }
    for (const fk of other.foreignKeys ?? []) {
      if (fk.table === table.name) for (const k of fk.keys) keyed.add(k);
    }
  }
  const marker = '\u0000';
  for (const sql of schema.indexSql((name) => `${marker}${name}${marker}`)) {
    const on = new RegExp(`${marker}${table.name}${marker}\\s*\\(([^)]*)\\)`).exec(sql);
    for (const column of on?.[1]?.split(',') ?? []) keyed.add(column.trim().replaceAll('"', ''));
  }
  return keyed;
}

/** `CREATE TABLE` of one demo table in MySQL with its columns and primary key (foreign keys come after the load). */
export function createMysqlTableSql(table: DemoTable, schema: DemoSchema): string {
  const keyed = keyedColumns(table, schema);
  const columns = table.columns.map(
    (c) =>
      `  ${quoteIdent(c.name)} ${mysqlColumnType(c.pgType, keyed.has(c.name), schema)}${c.nullable ? ' NULL' : ' NOT NULL'}`,
  );
  columns.push(`  PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteIdent(table.name)} (\n${columns.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
}

/**
 * One generated value as MySQL stores it: a timestamp (SQLite's text, with
 * `Z`, an offset or no zone, which means UTC) as the same instant's UTC
 * `YYYY-MM-DD HH:MM:SS.ffffff` in a DATETIME column, fractional digits kept;
 * the rest unchanged (booleans are 0/1 already, JSON and uuids text, bytes a
 * buffer).
 */
export function mysqlSeedValue(pgType: string, value: unknown): unknown {
  if (!pgType.startsWith('timestamptz') || typeof value !== 'string') return value;
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(value);
  if (!match) return value;
  const [, day, time, fraction = '', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const utc = new Date(`${day}T${time}${offset}`).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}${fraction}`;
}
