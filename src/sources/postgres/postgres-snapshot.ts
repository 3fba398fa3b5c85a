import { createRequire } from 'node:module';
import type { PoolClient } from 'pg';
import type Cursor from 'pg-cursor';
import { SOURCE_TYPES } from './postgres-types.js';
import { categoryCount, categorySelect, quoteIdent, tenantScope } from '../sql-text.js';
import type { CategoryRead, RawValue, SourceSnapshot } from '../types.js';

/**
 * Rows fetched from the server-side cursor per read. Small batches, one read
 * ahead, keep the server producing while the consumer encodes, and keep the
 * rows in flight young enough for V8's cheap collections.
 */
export const BATCH_ROWS = 500;

/** Replaces the catalog's `:tenant` parameter by PostgreSQL's `$1` (a `::cast` is left alone). */
export function withPositionalTenant(sql: string): string {
  return sql.replace(/(?<!:):tenant\b/g, '$1');
}

/** Ends a read its consumer left open: its read ahead settles, its cursor closes. */
export type OpenRead = () => Promise<void>;

/**
 * The reads of one snapshot, through the client holding its `REPEATABLE READ
 * READ ONLY` transaction. Rows stream through a server-side cursor, a batch at
 * a time with the next one read ahead; text keys are ordered by bytes (`COLLATE "C"`).
 *
 * @param open - Each read's closer is in it until the read ends, so that the
 * snapshot can end a read whose consumer failed without ending it: its cursor
 * would otherwise hold the connection, and the `ROLLBACK` would wait forever.
 */
export function postgresSnapshot(client: PoolClient, open: Set<OpenRead>): SourceSnapshot {
  return {
    async *batches(read: CategoryRead) {
      const collatable = await collatableColumns(client, read);
      const collate = byBytes(collatable);
      const range = rangeCondition(read, collate);
      const sql = categorySelect(read, collate, undefined, range.where);
      const PgCursor = createRequire(import.meta.url)('pg-cursor') as typeof Cursor;
      const cursor = client.query(
        new PgCursor<RawValue[]>(withPositionalTenant(sql), [read.tenant, ...range.values], {
          rowMode: 'array',
          types: SOURCE_TYPES,
        }),
      );
      let failed = false;
      cursor.on('error', () => (failed = true));
      // The next batch is asked for before this one is handed over, so that
      // the server reads it while the consumer encodes this one.
      let next: Promise<RawValue[][]> | null = readAhead(client, cursor);
      let closed: Promise<void> | null = null;
      const close: OpenRead = () =>
        (closed ??= (async () => {
          // A consumer that stops early leaves a read in flight: it ends before the cursor closes.
          await next?.catch(() => undefined);
          // A failed cursor's portal went with its transaction.
          if (!failed) await closeCursor(client, cursor);
        })());
      open.add(close);
      try {
        for (;;) {
          const rows: RawValue[][] = await next;
          if (rows.length === 0) {
            next = null;
            return;
          }
          next = readAhead(client, cursor);
          yield rows;
        }
      } finally {
        open.delete(close);
        await close();
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
    async keyBoundaries(read, every) {
      const collate = byBytes(await collatableColumns(client, read));
      const keys = read.orderBy.map((c, i) => `t0.${quoteIdent(c)} AS k${i}`).join(', ');
      const order = read.orderBy.map((c) => collate(`t0.${quoteIdent(c)}`)).join(', ');
      const { rows } = await client.query<string[]>({
        text:
          `SELECT ${read.orderBy.map((_, i) => `k${i}::text`).join(', ')} FROM (` +
          `SELECT ${keys}, row_number() OVER (ORDER BY ${order}) AS portage_row ` +
          `FROM ${withPositionalTenant(tenantScope(read.source))}) AS numbered ` +
          `WHERE portage_row % $2 = 0 ORDER BY portage_row`,
        values: [read.tenant, every],
        rowMode: 'array',
      });
      return rows;
    },
  };
}

/** The order-by expression of a column: `COLLATE "C"` on those whose type has a collation. */
function byBytes(collatable: Set<string>): (column: string) => string {
  return (column) => (collatable.has(column) ? `${column} COLLATE "C"` : column);
}

/**
 * The condition keeping a read's rows to its key range, compared as row values
 * in the read's order (text keys as bytes), and its parameters from `$2` on;
 * each key text takes the type of its column.
 */
function rangeCondition(
  read: CategoryRead,
  collate: (column: string) => string,
): { where: string | undefined; values: string[] } {
  const range = read.range;
  if (range === undefined || (range.after === null && range.through === null)) {
    return { where: undefined, values: [] };
  }
  const row = `(${read.orderBy.map((c) => collate(`t0.${quoteIdent(c)}`)).join(', ')})`;
  const values: string[] = [];
  const against = (key: readonly string[]) =>
    `(${key.map((value) => (values.push(value), `$${values.length + 1}`)).join(', ')})`;
  const conditions: string[] = [];
  if (range.after !== null) conditions.push(`${row} > ${against(range.after)}`);
  if (range.through !== null) conditions.push(`${row} <= ${against(range.through)}`);
  return { where: conditions.join(' AND '), values };
}

/**
 * {@link readBatch}, marked as handled: a read ahead that fails before the
 * consumer asks for it must not be an unhandled rejection; the failure
 * reaches the consumer when it awaits the read.
 */
function readAhead(client: PoolClient, cursor: Cursor<RawValue[]>): Promise<RawValue[][]> {
  const read = readBatch(client, cursor);
  read.catch(() => undefined);
  return read;
}

/**
 * The cursor's next batch. pg-cursor leaves a read pending forever when the
 * connection drops between the server's last two answers (CommandComplete,
 * ReadyForQuery): the connection's end fails it instead.
 */
async function readBatch(client: PoolClient, cursor: Cursor<RawValue[]>): Promise<RawValue[][]> {
  let drop: () => void = () => undefined;
  const dropped = new Promise<never>((_, reject) => {
    drop = () => reject(new Error('Connection terminated unexpectedly'));
  });
  client.once('end', drop);
  try {
    return await Promise.race([cursor.read(BATCH_ROWS), dropped]);
  } finally {
    client.off('end', drop);
  }
}

/**
 * Closes the cursor's portal. On a connection that drops meanwhile, pg-cursor
 * would wait forever for the server's answer: the connection's end settles it.
 */
async function closeCursor(client: PoolClient, cursor: Cursor<RawValue[]>): Promise<void> {
  let gone: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (gone = resolve));
  client.once('end', gone);
  try {
    await Promise.race([cursor.close(), ended]);
  } finally {
    client.off('end', gone);
  }
}

/**
 * The quoted names of the order-by columns whose type has a collation (text,
 * varchar, citext, …): only those take `COLLATE "C"`. Learnt from the types
 * the category's own query returns, so it holds for table and query sources.
 */
async function collatableColumns(
  client: PoolClient,
  read: Omit<CategoryRead, 'columns'>,
): Promise<Set<string>> {
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
      .map((column) => `t0.${quoteIdent(column)}`),
  );
}
