import type { PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { SOURCE_TYPES } from './postgres-types.js';
import { categoryCount, categorySelect, quoteIdent } from './sql-text.js';
import type { CategoryRead, RawValue, SourceSnapshot } from './types.js';

/** Rows fetched from the server-side cursor per read. */
const BATCH_ROWS = 2000;

/** Replaces the catalog's `:tenant` parameter by PostgreSQL's `$1` (a `::cast` is left alone). */
export function withPositionalTenant(sql: string): string {
  return sql.replace(/(?<!:):tenant\b/g, '$1');
}

/**
 * The reads of one snapshot, through the client holding its `REPEATABLE READ
 * READ ONLY` transaction. Rows stream through a server-side cursor, a batch at
 * a time; text keys are ordered by bytes (`COLLATE "C"`).
 */
export function postgresSnapshot(client: PoolClient): SourceSnapshot {
  return {
    async *batches(read: CategoryRead) {
      const collatable = await collatableColumns(client, read);
      const sql = categorySelect(read, (column) =>
        collatable.has(column) ? `${column} COLLATE "C"` : column,
      );
      const cursor = client.query(
        new Cursor<RawValue[]>(withPositionalTenant(sql), [read.tenant], {
          rowMode: 'array',
          types: SOURCE_TYPES,
        }),
      );
      try {
        for (;;) {
          const rows = await cursor.read(BATCH_ROWS);
          if (rows.length === 0) return;
          yield rows;
        }
      } finally {
        await cursor.close();
      }
    },
    async count(read) {
      const { rows } = await client.query<[string]>({
        text: withPositionalTenant(categoryCount(read)),
        values: [read.tenant],
        rowMode: 'array',
        types: SOURCE_TYPES,
      });
      return Number(rows[0]?.[0] ?? 0);
    },
  };
}

/**
 * The quoted names of the order-by columns whose type has a collation (text,
 * varchar, citext, …): only those take `COLLATE "C"`. Learnt from the types
 * the category's own query returns, so it holds for table and query sources.
 */
async function collatableColumns(client: PoolClient, read: CategoryRead): Promise<Set<string>> {
  if (read.orderBy.length === 0) return new Set();
  const probe = categorySelect({ ...read, columns: read.orderBy, orderBy: [] }, (c) => c);
  const described = await client.query({
    text: `SELECT * FROM (${withPositionalTenant(probe)}) AS probe LIMIT 0`,
    values: [read.tenant],
    rowMode: 'array',
  });
  const oids = described.fields.map((f) => f.dataTypeID);
  const { rows } = await client.query<[number]>({
    text: 'SELECT oid::int4 FROM pg_catalog.pg_type WHERE oid = ANY ($1::oid[]) AND typcollation <> 0',
    values: [oids],
    rowMode: 'array',
    types: SOURCE_TYPES,
  });
  const withCollation = new Set(rows.map((r) => r[0]));
  return new Set(
    read.orderBy
      .filter((_, i) => withCollation.has(oids[i] ?? 0))
      .map((column) => quoteIdent(column)),
  );
}
