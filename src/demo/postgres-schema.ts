import { quoteIdent } from '../sources/index.js';
import type { DemoTable } from './schema.js';

/** Renders table names qualified by one PostgreSQL schema. */
export function qualifier(schema: string): (table: string) => string {
  return (table) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * `CREATE TABLE` of one demo table in PostgreSQL, with its column types and
 * NOT NULL constraints only: keys and foreign keys are added after the bulk
 * load ({@link primaryKeySql}, {@link foreignKeysSql}).
 */
export function createPgTableSql(table: DemoTable, on: (table: string) => string): string {
  const columns = table.columns.map(
    (c) => `  ${quoteIdent(c.name)} ${c.pgType}${c.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE ${on(table.name)} (\n${columns.join(',\n')}\n)`;
}

/** The statement adding a table's primary key. */
export function primaryKeySql(table: DemoTable, on: (table: string) => string): string {
  return `ALTER TABLE ${on(table.name)} ADD PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`;
}

/** One statement adding every foreign key of a table, or null when it has none. */
export function foreignKeysSql(table: DemoTable, on: (table: string) => string): string | null {
  const clauses: string[] = [];
  for (const column of table.columns) {
    if (column.references === undefined) continue;
    const match = /^(\w+)\((\w+)\)$/.exec(column.references);
    if (!match?.[1] || !match[2]) throw new Error(`bad reference ${column.references}`);
    clauses.push(
      `ADD FOREIGN KEY (${quoteIdent(column.name)}) REFERENCES ${on(match[1])} (${quoteIdent(match[2])})`,
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
 * unquoted empty field is NULL and `""` is the empty string.
 */
export function csvLine(values: readonly (string | number | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) line += ',';
    if (value === null || value === undefined) continue;
    line +=
      typeof value === 'number'
        ? String(value)
        : `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`;
  }
  return `${line}\n`;
}
