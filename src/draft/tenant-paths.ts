import type { SchemaForeignKey, SchemaTable } from '../sources/index.js';

/** How a table reaches the tenant: foreign keys followed, then the tenant column. */
export interface TenantPath {
  /** Hops from the table towards the table holding the tenant column; empty when direct. */
  readonly through: readonly SchemaForeignKey[];
  /** The column holding the tenant's id, on the last hop's table (or the table itself). */
  readonly tenantColumn: string;
}

/**
 * Finds, for every table, the shortest chain of foreign keys that reaches a
 * column pointing at the tenant table's key. A chain of non-nullable columns
 * wins over any chain with a nullable one, however much shorter: a row whose
 * reference is null would belong to no tenant and drop out of its exports.
 * Tables with no chain at all are left out of the result.
 */
export function findTenantPaths(
  tables: readonly SchemaTable[],
  tenantTable: SchemaTable,
): Map<string, TenantPath> {
  const paths = new Map<string, TenantPath>();
  extendPaths(tables, tenantTable, paths, false);
  extendPaths(tables, tenantTable, paths, true);
  return paths;
}

/**
 * Breadth first from the tables that hold a column pointing at the tenant
 * table (and from those `paths` already reaches), adding a path to each table
 * not yet in `paths`, through nullable columns only when `allowNullable`.
 */
function extendPaths(
  tables: readonly SchemaTable[],
  tenantTable: SchemaTable,
  paths: Map<string, TenantPath>,
  allowNullable: boolean,
): void {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const tenantKey = tenantTable.primaryKey;
  const required = (table: SchemaTable, fk: SchemaForeignKey) =>
    fk.columns.every((c) => table.columns.find((col) => col.name === c)?.nullable === false);
  const usable = (table: SchemaTable, fk: SchemaForeignKey) => allowNullable || required(table, fk);
  const preferred = (table: SchemaTable) => (a: SchemaForeignKey, b: SchemaForeignKey) =>
    Number(required(table, b)) - Number(required(table, a)) ||
    (a.table < b.table ? -1 : a.table > b.table ? 1 : 0);

  let frontier = [...paths.keys()];
  for (const table of tables) {
    if (table.name === tenantTable.name || paths.has(table.name)) continue;
    const direct = table.foreignKeys
      .filter(
        (fk) =>
          fk.table === tenantTable.name &&
          fk.columns.length === 1 &&
          tenantKey.length === 1 &&
          fk.keys[0] === tenantKey[0] &&
          usable(table, fk),
      )
      .sort(preferred(table));
    if (direct[0] !== undefined) {
      paths.set(table.name, { through: [], tenantColumn: direct[0].columns[0]! });
      frontier.push(table.name);
    }
  }
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const table of tables) {
      if (paths.has(table.name) || table.name === tenantTable.name) continue;
      const hop = table.foreignKeys
        .filter((fk) => frontier.includes(fk.table) && byName.has(fk.table) && usable(table, fk))
        .sort(preferred(table))[0];
      if (hop === undefined) continue;
      const rest = paths.get(hop.table)!;
      paths.set(table.name, { through: [hop, ...rest.through], tenantColumn: rest.tenantColumn });
      next.push(table.name);
    }
    frontier = next;
  }
}
