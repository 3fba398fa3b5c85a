import type { Catalog, IncludedCategory } from '../../src/catalog/index.js';

/** A column a drift test adds to a platform's table, and the kind of table it is. */
export interface DriftCase {
  readonly kind: string;
  readonly table: string;
  readonly column: string;
}

/** The table a drift test creates; no catalog declares it. */
export const UNDECLARED_TABLE = 'feature_flags';

/**
 * One new column on each kind of table the catalog reads: a table source
 * scoped by its own tenant column, a table reached through references, a
 * query source's own table (when the catalog has one), and a table that a
 * tenant chain joins to reach the tenant. Each must make `check` fail, naming it.
 */
export function driftCases(catalog: Catalog): DriftCase[] {
  const included = catalog.categories.filter((c): c is IncludedCategory => c.included);
  const table = (c: IncludedCategory) => c.source.table;
  const direct = included.find(
    (c) => c.source.kind === 'table' && c.source.through.length === 0 && c.account === null,
  );
  const chained = included.find((c) => c.source.kind === 'table' && c.source.through.length > 0);
  const query = included.find((c) => c.source.kind === 'query');
  const joined = included
    .flatMap((c) => (c.source.kind === 'table' ? c.source.through.map((h) => h.table) : []))
    .find((t) => t !== (direct && table(direct)));
  const cases: DriftCase[] = [];
  if (direct) cases.push({ kind: 'table source', table: table(direct), column: 'secret_note' });
  if (chained) {
    cases.push({
      kind: 'reached through references',
      table: table(chained),
      column: 'secret_note',
    });
  }
  if (query)
    cases.push({ kind: "query source's table", table: table(query), column: 'secret_note' });
  if (joined)
    cases.push({ kind: 'only joined to reach the tenant', table: joined, column: 'secret_note' });
  return cases;
}

/** What `check` must report for {@link driftCases} and {@link UNDECLARED_TABLE}, in its order. */
export function expectedUndeclared(
  cases: readonly DriftCase[],
): { table: string; column: string | null }[] {
  return [
    { table: UNDECLARED_TABLE, column: null },
    ...cases.map((c) => ({ table: c.table, column: c.column })),
  ].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}
