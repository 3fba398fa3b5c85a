import type { CategorySource } from '../catalog/index.js';
import type { CategoryRead } from './types.js';

/** Quotes an SQL identifier (the same rule for SQLite and PostgreSQL). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The FROM and WHERE clauses selecting one tenant's rows of a source, the
 * category's own table aliased `t0`. A tenant chain becomes one inner join
 * per hop (`t1`, `t2`, …), the tenant compared on the last table; a query
 * source becomes a subquery aliased `t0`.
 */
export function tenantScope(source: CategorySource): string {
  if (source.kind === 'query') return `(${source.sql}) AS t0`;
  let from = `${quoteIdent(source.table)} AS t0`;
  source.through.forEach((hop, i) => {
    const on = hop.columns
      .map((column, k) => `t${i}.${quoteIdent(column)} = t${i + 1}.${quoteIdent(hop.keys[k]!)}`)
      .join(' AND ');
    from += ` JOIN ${quoteIdent(hop.table)} AS t${i + 1} ON ${on}`;
  });
  const last = `t${source.through.length}`;
  return `${from} WHERE ${last}.${quoteIdent(source.tenantColumn)} = :tenant`;
}

/**
 * The SELECT reading one category: its columns in order, scoped to the tenant
 * through the named parameter `:tenant`, ordered by the primary key compared as
 * bytes (`collate` is the dialect's byte-order collation, applied to text keys).
 * `select` wraps each selected column (Default: the column itself); `where`
 * narrows the rows further (Default: none).
 */
export function categorySelect(
  read: Pick<CategoryRead, 'source' | 'columns' | 'orderBy'>,
  collate: (column: string) => string,
  select: (column: string) => string = (column) => column,
  where?: string,
): string {
  const columns = read.columns.map((c) => select(`t0.${quoteIdent(c)}`)).join(', ');
  const order = read.orderBy.map((c) => collate(`t0.${quoteIdent(c)}`)).join(', ');
  return `SELECT ${columns} FROM ${scopeWhere(read.source, where)}${order ? ` ORDER BY ${order}` : ''}`;
}

/** {@link tenantScope} narrowed by one more condition, if any. */
export function scopeWhere(source: CategorySource, where: string | undefined): string {
  const scope = tenantScope(source);
  if (where === undefined) return scope;
  return `${scope}${source.kind === 'query' ? ' WHERE ' : ' AND '}${where}`;
}

/** The COUNT(*) of one category's rows for the tenant. */
export function categoryCount(read: Pick<CategoryRead, 'source'>): string {
  return `SELECT count(*) AS n FROM ${tenantScope(read.source)}`;
}
