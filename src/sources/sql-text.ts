import type { CategoryRead } from './types.js';

/** Quotes an SQL identifier (the same rule for SQLite and PostgreSQL). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The SELECT reading one category: its columns in order, scoped to the tenant
 * through the named parameter `:tenant`, ordered by the primary key compared as
 * bytes (`collate` is the dialect's byte-order collation, applied to text keys).
 */
export function categorySelect(
  read: Pick<CategoryRead, 'source' | 'columns' | 'orderBy'>,
  collate: (column: string) => string,
): string {
  const columns = read.columns.map(quoteIdent).join(', ');
  const order = read.orderBy.map((c) => collate(quoteIdent(c))).join(', ');
  const from =
    read.source.kind === 'table'
      ? `${quoteIdent(read.source.table)} WHERE ${quoteIdent(read.source.tenantColumn)} = :tenant`
      : `(${read.source.sql}) AS q`;
  return `SELECT ${columns} FROM ${from}${order ? ` ORDER BY ${order}` : ''}`;
}

/** The COUNT(*) of one category's rows for the tenant. */
export function categoryCount(read: Pick<CategoryRead, 'source'>): string {
  return read.source.kind === 'table'
    ? `SELECT count(*) AS n FROM ${quoteIdent(read.source.table)} WHERE ${quoteIdent(read.source.tenantColumn)} = :tenant`
    : `SELECT count(*) AS n FROM (${read.source.sql}) AS q`;
}
