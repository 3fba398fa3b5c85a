/**
 * How a demo platform describes its database: tables, columns, keys and the
 * PostgreSQL enum types they use. The sinks build SQLite and PostgreSQL
 * databases from it; the generators write rows in its column order.
 */

/** The storage class of a demo column in SQLite (its declared type, so its affinity). */
export type DemoColumnType = 'INTEGER' | 'TEXT' | 'BLOB' | 'NUMERIC' | 'REAL';

/** One column of a demo table. */
export interface DemoColumn {
  readonly name: string;
  /** Its declared type in SQLite. */
  readonly type: DemoColumnType;
  /**
   * Its type in PostgreSQL (`bigint`, `uuid`, `numeric(14,2)`, `timestamptz`,
   * or the name of one of the schema's {@link DemoEnum}s), holding the same
   * values as the SQLite column.
   */
  readonly pgType: string;
  /** Whether the column accepts NULL. */
  readonly nullable: boolean;
  /** `table(column)` this column references, if it is a single-column foreign key. */
  readonly references?: string;
}

/** A foreign key of several columns: `columns` hold `keys` of `table`. */
export interface DemoForeignKey {
  readonly columns: readonly string[];
  readonly table: string;
  readonly keys: readonly string[];
}

/**
 * How rows of a table without a tenant column reach their tenant: through
 * foreign keys (`column` of the table before holds `key` of `table`), to
 * `column` of the last table.
 */
export interface DemoTenantPath {
  readonly through: readonly {
    readonly column: string;
    readonly table: string;
    readonly key: string;
  }[];
  readonly column: string;
}

/** One table of a demo platform. */
export interface DemoTable {
  readonly name: string;
  readonly columns: readonly DemoColumn[];
  readonly primaryKey: readonly string[];
  /** Column naming the owning tenant; null for a table that reaches it through {@link tenantPath}. */
  readonly tenantColumn: string | null;
  /** For a table whose `tenantColumn` is null: the foreign keys to its tenant; null for global tables. */
  readonly tenantPath?: DemoTenantPath;
  /** Foreign keys of several columns (single-column ones are {@link DemoColumn.references}). */
  readonly foreignKeys?: readonly DemoForeignKey[];
}

/** A PostgreSQL enum type the schema's columns may use. */
export interface DemoEnum {
  readonly name: string;
  readonly values: readonly string[];
}

/** The whole database of one demo platform. */
export interface DemoSchema {
  /** Every table, in creation (and foreign-key) order. */
  readonly tables: readonly DemoTable[];
  /** Enum types created before the tables in PostgreSQL (SQLite stores their values as text). */
  readonly enums: readonly DemoEnum[];
  /**
   * The indexes exports read through, created after the bulk load.
   * @param on - Renders a table name into a statement, e.g. qualified by a schema.
   */
  indexSql(on: (table: string) => string): string[];
}

/** Looks up a table of `schema` by name; throws if there is none. */
export function schemaTable(schema: DemoSchema, name: string): DemoTable {
  const found = schema.tables.find((t) => t.name === name);
  if (!found) throw new Error(`unknown demo table "${name}"`);
  return found;
}

/** `CREATE TABLE` statement of one table in SQLite, with its keys and foreign keys. */
export function createTableSql(t: DemoTable): string {
  const lines = t.columns.map((c) => {
    let line = `  ${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}`;
    if (c.references) line += ` REFERENCES ${c.references}`;
    return line;
  });
  lines.push(`  PRIMARY KEY (${t.primaryKey.join(', ')})`);
  for (const fk of t.foreignKeys ?? []) {
    lines.push(
      `  FOREIGN KEY (${fk.columns.join(', ')}) REFERENCES ${fk.table} (${fk.keys.join(', ')})`,
    );
  }
  return `CREATE TABLE ${t.name} (\n${lines.join(',\n')}\n)`;
}
