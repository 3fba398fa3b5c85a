import type { Catalog } from './types.js';

/** A table, or a column of a table, the database holds and the catalog does not declare. */
export interface UndeclaredItem {
  readonly table: string;
  /** Null when the whole table is undeclared. */
  readonly column: string | null;
}

/** A catalog entry that names a table or column the database does not have. */
export interface MissingItem {
  readonly category: string;
  readonly table: string;
  readonly column: string | null;
}

/** The comparison of a catalog with the database it describes. */
export interface DriftReport {
  readonly undeclared: readonly UndeclaredItem[];
  readonly missing: readonly MissingItem[];
}

/**
 * Compares the catalog with the database's tables and columns. A table is
 * declared by an included category's table source (column by column: exported
 * fields, excluded fields and the tenant column), by a query source's `tables`,
 * by an excluded category's `tables`, or by `ignored_tables`.
 */
export function checkDrift(
  catalog: Catalog,
  columns: readonly { readonly table: string; readonly column: string }[],
): DriftReport {
  const byTable = new Map<string, Set<string>>();
  for (const c of columns) {
    let set = byTable.get(c.table);
    if (set === undefined) byTable.set(c.table, (set = new Set()));
    set.add(c.column);
  }
  const wholeTables = new Set(catalog.ignoredTables.map((t) => t.table));
  const declaredColumns = new Map<string, Set<string>>();
  const missing: MissingItem[] = [];

  for (const category of catalog.categories) {
    const tables = !category.included
      ? category.tables
      : category.source.kind === 'query'
        ? category.source.tables
        : [];
    for (const table of tables) {
      wholeTables.add(table);
      if (!byTable.has(table)) missing.push({ category: category.name, table, column: null });
    }
    if (!category.included || category.source.kind !== 'table') continue;
    const { table, tenantColumn } = category.source;
    const names = [
      tenantColumn,
      ...category.fields.map((f) => f.name),
      ...category.excludedFields.map((f) => f.name),
    ];
    const declared = declaredColumns.get(table) ?? new Set<string>();
    declaredColumns.set(table, declared);
    const present = byTable.get(table);
    if (present === undefined) {
      missing.push({ category: category.name, table, column: null });
      continue;
    }
    for (const name of names) {
      declared.add(name);
      if (!present.has(name)) missing.push({ category: category.name, table, column: name });
    }
  }

  const undeclared: UndeclaredItem[] = [];
  for (const [table, present] of [...byTable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (wholeTables.has(table)) continue;
    const declared = declaredColumns.get(table);
    if (declared === undefined) {
      undeclared.push({ table, column: null });
      continue;
    }
    for (const column of [...present].sort()) {
      if (!declared.has(column)) undeclared.push({ table, column });
    }
  }
  return { undeclared, missing: dedupe(missing) };
}

function dedupe(items: MissingItem[]): MissingItem[] {
  const seen = new Set<string>();
  return items.filter((m) => {
    const key = `${m.category}\u0000${m.table}\u0000${m.column ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
