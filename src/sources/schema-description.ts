import type { SchemaColumn, SchemaForeignKey, SchemaTable } from './types.js';

/** Rows of a catalog query listing constraints, one per key column, in key order. */
export interface KeyColumnRow {
  readonly table: string;
  readonly constraint: string;
  /** `p` for the primary key, `f` for a foreign key. */
  readonly kind: 'p' | 'f';
  readonly column: string;
  /** Foreign keys: the referenced table and column. */
  readonly ftable: string | null;
  readonly fcolumn: string | null;
}

/**
 * Assembles tables from a dialect's column rows and key-column rows (both in
 * order): the same shape whichever database they come from.
 */
export function assembleTables(
  columns: readonly (SchemaColumn & { table: string })[],
  keys: readonly KeyColumnRow[],
): SchemaTable[] {
  const tables = new Map<string, { columns: SchemaTable['columns'][number][]; pk: string[] }>();
  for (const c of columns) {
    let table = tables.get(c.table);
    if (table === undefined) tables.set(c.table, (table = { columns: [], pk: [] }));
    table.columns.push(
      c.holdsWideIntegers === true
        ? { name: c.name, type: c.type, nullable: c.nullable, holdsWideIntegers: true }
        : { name: c.name, type: c.type, nullable: c.nullable },
    );
  }
  type Building = SchemaForeignKey & { columns: string[]; keys: string[] };
  const foreign = new Map<string, Map<string, Building>>();
  for (const k of keys) {
    const table = tables.get(k.table);
    if (table === undefined) continue;
    if (k.kind === 'p') {
      table.pk.push(k.column);
      continue;
    }
    let byName = foreign.get(k.table);
    if (byName === undefined) foreign.set(k.table, (byName = new Map<string, Building>()));
    let fk = byName.get(k.constraint);
    if (fk === undefined) {
      byName.set(k.constraint, (fk = { columns: [], table: k.ftable ?? '', keys: [] }));
    }
    fk.columns.push(k.column);
    fk.keys.push(k.fcolumn ?? '');
  }
  return [...tables]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, t]) => ({
      name,
      columns: t.columns,
      primaryKey: t.pk,
      foreignKeys: [...(foreign.get(name)?.values() ?? [])].filter((fk) => tables.has(fk.table)),
    }));
}
