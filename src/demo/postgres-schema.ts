import { quoteIdent } from '../sources/index.js';
import type { DemoEnum, DemoSchema, DemoTable } from './demo-schema.js';
import type { SeedValue } from './row-sink.js';

/** Renders table names qualified by one PostgreSQL schema. */
export function qualifier(schema: string): (table: string) => string {
  return (table) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** `CREATE TYPE … AS ENUM` of one enum type. */
export function createEnumSql(type: DemoEnum, on: (name: string) => string): string {
  const values = type.values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
  return `CREATE TYPE ${on(type.name)} AS ENUM (${values})`;
}

/**
 * `CREATE TABLE` of one demo table in PostgreSQL, with its column types (an
 * enum type of the schema qualified by `on`) and NOT NULL constraints only:
 * keys and foreign keys are added after the bulk load ({@link primaryKeySql},
 * {@link foreignKeysSql}).
 */
export function createPgTableSql(
  table: DemoTable,
  on: (table: string) => string,
  schema?: DemoSchema,
): string {
  const enums = new Set((schema?.enums ?? []).map((e) => e.name));
  const columns = table.columns.map((c) => {
    const type = enums.has(c.pgType) ? on(c.pgType) : c.pgType;
    return `  ${quoteIdent(c.name)} ${type}${c.nullable ? '' : ' NOT NULL'}`;
  });
  return `CREATE TABLE ${on(table.name)} (\n${columns.join(',\n')}\n)`;
}

/** The statement adding a table's primary key. */
export function primaryKeySql(table: DemoTable, on: (table: string) => string): string {
  return `ALTER TABLE ${on(table.name)} ADD PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`;
}

/** One statement adding every foreign key of a table, or null when it has none. */
export function foreignKeysSql(table: DemoTable, on: (table: string) => string): string | null {
  const list = (names: readonly string[]) => names.map(quoteIdent).join(', ');
  const clauses: string[] = [];
  for (const column of table.columns) {
    if (column.references === undefined) continue;
    const match = /^(\w+)\((\w+)\)$/.exec(column.references);
    if (!match?.[1] || !match[2]) throw new Error(`bad reference ${column.references}`);
    clauses.push(
      `ADD FOREIGN KEY (${quoteIdent(column.name)}) REFERENCES ${on(match[1])} (${quoteIdent(match[2])})`,
    );
  }
  for (const fk of table.foreignKeys ?? []) {
    clauses.push(
      `ADD FOREIGN KEY (${list(fk.columns)}) REFERENCES ${on(fk.table)} (${list(fk.keys)})`,
    );
  }
  return clauses.length === 0 ? null : `ALTER TABLE ${on(table.name)} ${clauses.join(', ')}`;
}

/** `COPY … FROM STDIN` of a table's columns in CSV form ({@link csvLine}). */
export function copyFromSql(table: DemoTable, on: (table: string) => string): string {
  const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  return `COPY ${on(table.name)} (${columns}) FROM STDIN WITH (FORMAT csv)`;
}

/**
 * One row in PostgreSQL's CSV COPY form: every text value quoted, so that an
 * unquoted empty field is NULL and `""` is the empty string; binary data as
 * `bytea`'s hex form.
 */
export function csvLine(values: readonly SeedValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) line += ',';
    if (value === null || value === undefined) continue;
    if (typeof value === 'number') line += String(value);
    else if (typeof value !== 'string') line += `"\\x${value.toString('hex')}"`;
    else line += `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`;
  }
  return `${line}\n`;
}
