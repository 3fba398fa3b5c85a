import type { Catalog, IncludedCategory } from './types.js';

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
 * Compares the catalog with the database's tables and columns (SPEC §12.1).
 * A column is accounted for when an included category whose rows belong to its
 * table exports it as a field or excludes it with a reason (a table source's
 * own tenant column too), or when its whole table is excluded or ignored. A
 * table a category only reads, to reach the tenant or in a query's join,
 * accounts for none of its columns; each column a category names must exist.
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
  const expect = (category: string, table: string, names: readonly string[]): boolean => {
    const present = byTable.get(table);
    if (present === undefined) {
      missing.push({ category, table, column: null });
      return false;
    }
    for (const name of names) {
      if (!present.has(name)) missing.push({ category, table, column: name });
    }
    return true;
  };

  for (const category of catalog.categories) {
    if (!category.included) {
      for (const table of category.tables) {
        wholeTables.add(table);
        expect(category.name, table, []);
      }
      continue;
    }
    const { table } = category.source;
    const own = ownColumns(category);
    if (!expect(category.name, table, own)) continue;
    const declared = declaredColumns.get(table) ?? new Set<string>();
    declaredColumns.set(table, declared);
    for (const name of own) declared.add(name);
    if (category.source.kind === 'table') checkChain(category, expect);
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

/** The columns of the category's own table it accounts for. */
function ownColumns(category: IncludedCategory): string[] {
  const names = [
    ...category.fields.filter((f) => f.computed === null).map((f) => f.name),
    ...category.excludedFields.map((f) => f.name),
  ];
  const { source } = category;
  if (source.kind === 'table' && source.through.length === 0) names.unshift(source.tenantColumn);
  return names;
}

/** Every step of a tenant chain: each hop's columns, keys and the final tenant column exist. */
function checkChain(
  category: IncludedCategory,
  expect: (category: string, table: string, names: readonly string[]) => boolean,
): void {
  const { source } = category;
  if (source.kind !== 'table' || source.through.length === 0) return;
  let from = source.table;
  for (const hop of source.through) {
    expect(category.name, from, hop.columns);
    expect(category.name, hop.table, hop.keys);
    from = hop.table;
  }
  expect(category.name, from, [source.tenantColumn]);
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
