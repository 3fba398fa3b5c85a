import type { Connection as CoreConnection } from 'mysql2';
import type { PoolConnection } from 'mysql2/promise';
import { categoryCount, categorySelect } from '../sql-text.js';
import type { CategoryRead, RawValue, SourceSnapshot } from '../types.js';
import { isTextColumn, mysqlTypeCast, type ColumnShape } from './mysql-types.js';

/** Rows handed over per batch, as the other sources do. */
export const BATCH_ROWS = 1000;

/** Replaces each `:tenant` with a positional `?`; returns the text and its parameters. */
export function withTenantParameters(sql: string, tenant: string): [string, string[]] {
  const values: string[] = [];
  const text = sql.replace(/(?<!:):tenant\b/g, () => {
    values.push(tenant);
    return '?';
  });
  return [text, values];
}

/**
 * The reads of one snapshot, through the connection holding its consistent
 * snapshot transaction. Rows stream from the server (the driver's row stream,
 * paused while the consumer encodes a batch); text keys are ordered by their
 * bytes (`CAST(… AS BINARY)`, which no collation's padding rule affects).
 */
export function mysqlSnapshot(connection: PoolConnection): SourceSnapshot {
  return {
    async *batches(read: CategoryRead) {
      const shapes = await columnShapes(connection, read);
      const sql = categorySelect(read, (column) =>
        isTextColumn(shapes.get(unqualified(column)) ?? {}) ? `CAST(${column} AS BINARY)` : column,
      );
      const [text, values] = withTenantParameters(sql, read.tenant);
      // The promise wrapper's core connection: only it streams rows.
      const core = connection.connection as unknown as CoreConnection;
      const stream = core
        .query({ sql: text, values, rowsAsArray: true, typeCast: mysqlTypeCast(shapes) })
        .stream({ highWaterMark: BATCH_ROWS });
      let batch: RawValue[][] = [];
      try {
        for await (const row of stream as AsyncIterable<RawValue[]>) {
          batch.push(row);
          if (batch.length === BATCH_ROWS) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      } finally {
        stream.destroy();
      }
    },
    async count(read) {
      const [text, values] = withTenantParameters(categoryCount(read), read.tenant);
      const [rows] = await connection.query({ sql: text, values, rowsAsArray: true });
      return Number((rows as unknown[][])[0]?.[0] ?? 0);
    },
  };
}

/** `col` from the `t0."col"` form the SQL text builder passes to the collation callback. */
function unqualified(column: string): string {
  return column.slice('t0."'.length, -1).replaceAll('""', '"');
}

/**
 * The metadata of every selected and ordering column, by name, learnt from the
 * category's own query run with `LIMIT 0`: whether each holds text, bytes or a set.
 */
async function columnShapes(
  connection: PoolConnection,
  read: CategoryRead,
): Promise<Map<string, ColumnShape>> {
  const names = [...new Set([...read.columns, ...read.orderBy])];
  const probe = categorySelect({ ...read, columns: names, orderBy: [] }, (c) => c);
  const [text, values] = withTenantParameters(`${probe} LIMIT 0`, read.tenant);
  const [, fields] = await connection.query({ sql: text, values, rowsAsArray: true });
  return new Map(names.map((name, i) => [name, (fields[i] ?? {}) as ColumnShape]));
}
