import type { DemoSchema, DemoTable } from './demo-schema.js';
import type { DemoCounts } from './row-sink.js';

/**
 * The query counting one table's rows by tenant, as `(tenant, n)` rows, joining
 * along the table's tenant path where it has no tenant column; the same text
 * runs in SQLite and PostgreSQL. Null for a table that belongs to no tenant.
 * @param on - Renders a table name into the query. (Default: the bare name)
 */
export function countByTenantSql(
  table: DemoTable,
  on: (table: string) => string = (name) => name,
): string | null {
  if (table.tenantColumn !== null) {
    return `SELECT ${table.tenantColumn} AS tenant, count(*) AS n FROM ${on(table.name)} GROUP BY 1`;
  }
  const path = table.tenantPath;
  if (path === undefined) return null;
  let from = `${on(table.name)} t0`;
  path.through.forEach((hop, i) => {
    from += ` JOIN ${on(hop.table)} t${i + 1} ON t${i + 1}.${hop.key} = t${i}.${hop.column}`;
  });
  return `SELECT t${path.through.length}.${path.column} AS tenant, count(*) AS n FROM ${from} GROUP BY 1`;
}

/**
 * Runs {@link countByTenantSql} for every table of `schema` through `query` and
 * lists every table for every tenant id, with 0 where it has no rows.
 */
export async function countDemoRows(
  schema: DemoSchema,
  tenants: readonly string[],
  query: (sql: string) => Promise<readonly { tenant: string; n: number | string }[]>,
  on?: (table: string) => string,
): Promise<DemoCounts> {
  const counts: Record<string, Record<string, number>> = {};
  const counted = schema.tables.filter((t) => countByTenantSql(t) !== null);
  for (const tenant of tenants) {
    counts[tenant] = Object.fromEntries(counted.map((t) => [t.name, 0]));
  }
  for (const table of counted) {
    for (const row of await query(countByTenantSql(table, on)!)) {
      const perTable = counts[row.tenant];
      if (perTable) perTable[table.name] = Number(row.n);
    }
  }
  return counts;
}
