import type { DemoCounts } from './row-sink.js';
import { DEMO_TABLES, type DemoTable } from './schema.js';
import { DEMO_TENANTS } from './tenants.js';

/**
 * The query counting one table's rows by tenant, as `(tenant, n)` rows; the
 * same text runs in SQLite and PostgreSQL.
 * @param on - Renders a table name into the query. (Default: the bare name)
 */
export function countByTenantSql(
  table: DemoTable,
  on: (table: string) => string = (name) => name,
): string {
  return table.tenantColumn === null
    ? `SELECT t.tenant_id AS tenant, count(*) AS n FROM ${on(table.name)} x
       JOIN ${on('tasks')} t ON t.id = x.task_id GROUP BY t.tenant_id`
    : `SELECT ${table.tenantColumn} AS tenant, count(*) AS n FROM ${on(table.name)} GROUP BY 1`;
}

/**
 * Runs {@link countByTenantSql} for every table through `query` and lists every
 * table for every demo tenant, with 0 where it has no rows.
 */
export async function countDemoRows(
  query: (table: DemoTable) => Promise<readonly { tenant: string; n: number | string }[]>,
): Promise<DemoCounts> {
  const counts: Record<string, Record<string, number>> = {};
  for (const tenant of DEMO_TENANTS) {
    counts[tenant.id] = Object.fromEntries(DEMO_TABLES.map((t) => [t.name, 0]));
  }
  for (const table of DEMO_TABLES) {
    for (const row of await query(table)) {
      const perTable = counts[row.tenant];
      if (perTable) perTable[table.name] = Number(row.n);
    }
  }
  return counts;
}
