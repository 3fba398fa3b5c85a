import { createRequire } from 'node:module';
import type { PoolClient } from 'pg';
import type Cursor from 'pg-cursor';
import { SOURCE_TYPES } from './postgres-types.js';
import { copyBatches, type OpenRead } from './postgres-copy-read.js';
import {
  planRead,
  sqlLiteral,
  withLiteralTenant,
  withPositionalTenant,
} from './postgres-read-plan.js';
import { categoryCount, categorySelect, quoteIdent, tenantScope } from '../sql-text.js';
import type { CategoryRead, RawValue, SourceSnapshot } from '../types.js';

/**
 * Rows handed to the consumer per batch. Small batches, one read ahead, keep
 * the server producing while the consumer encodes, and keep the rows in
 * flight young enough for V8's cheap collections.
 */
export const BATCH_ROWS = 500;

/** How a snapshot reads its categories. */
export interface SnapshotReads {
  /**
   * Read categories whose every column has a binary decoder through binary
   * `COPY` (Default: true); otherwise, and for the rest, through a cursor.
   */
  readonly binaryCopy?: boolean;
  /** Cancels the statement the snapshot's connection is running, from another connection. */
  readonly cancel: () => Promise<void>;
  /**
   * The error the snapshot's connection was lost with, if it was, else
   * `error`: a statement sent after the loss fails only with pg's "not
   * queryable", which says nothing of why.
   */
  readonly lostOr: (error: unknown) => unknown;
}

/**
 * The reads of one snapshot, through the client holding its `REPEATABLE READ
 * READ ONLY` transaction; text keys are ordered by bytes (`COLLATE "C"`).
 * A category whose every column has a binary decoder streams through binary
 * `COPY` ({@link copyBatches}); any other through a server-side cursor, a
 * batch at a time with the next one read ahead. Both give the same values.
 *
 * @param open - Each read's closer is in it until the read ends, so that the
 * snapshot can end a read whose consumer failed without ending it: its cursor
 * or `COPY` would otherwise hold the connection, and the `ROLLBACK` would wait forever.
 */
export function postgresSnapshot(
  client: PoolClient,
  open: Set<OpenRead>,
  reads: SnapshotReads,
): SourceSnapshot {
  async function* readBatches(read: CategoryRead): AsyncGenerator<RawValue[][]> {
    const plan = await planRead(client, read);
    const collate = byBytes(plan.collatable);
    if (plan.decoders !== null && reads.binaryCopy !== false) {
      // COPY takes no parameters: the range's keys are written as literals.
      const range = rangeCondition(read, collate, sqlLiteral);
      yield* copyBatches({
        client,
        select: withLiteralTenant(categorySelect(read, collate, undefined, range), read.tenant),
        decoders: plan.decoders,
        batchRows: BATCH_ROWS,
        open,
        cancel: reads.cancel,
      });
      return;
    }
    const values: string[] = [];
    const range = rangeCondition(read, collate, (key) => {
      values.push(key);
      return `$${values.length + 1}`;
    });
    const sql = categorySelect(read, collate, undefined, range);
    const PgCursor = createRequire(import.meta.url)('pg-cursor') as typeof Cursor;
    const cursor = client.query(
      new PgCursor<RawValue[]>(withPositionalTenant(sql), [read.tenant, ...values], {
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
  }

  async function countRows(read: Omit<CategoryRead, 'columns' | 'orderBy'>): Promise<number> {
    const { rows } = await client.query<[string]>({
      text: withPositionalTenant(categoryCount(read)),
      values: [read.tenant],
      rowMode: 'array',
      types: SOURCE_TYPES,
    });
    return Number(rows[0]?.[0] ?? 0);
  }

  async function boundaries(
    read: Omit<CategoryRead, 'columns'>,
    every: number,
  ): Promise<string[][]> {
    const plan = await planRead(client, { ...read, columns: read.orderBy });
    const collate = byBytes(plan.collatable);
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
  }

  /** Every failure of the snapshot's statements says why its connection was lost, if it was. */
  const named = (error: unknown): never => {
    throw reads.lostOr(error);
  };
  return {
    async *batches(read) {
      try {
        yield* readBatches(read);
      } catch (error) {
        named(error);
      }
    },
    count: (read) => countRows(read).catch(named),
    keyBoundaries: (read, every) => boundaries(read, every).catch(named),
  };
}

/** The order-by expression of a column: `COLLATE "C"` on those whose type has a collation. */
function byBytes(collatable: ReadonlySet<string>): (column: string) => string {
  return (column) => (collatable.has(column) ? `${column} COLLATE "C"` : column);
}

/**
 * The condition keeping a read's rows to its key range, compared as row values
 * in the read's order (text keys as bytes), or undefined for every row; `bind`
 * gives the SQL of each key text (a parameter, or a literal), which takes the
 * type of its column.
 */
function rangeCondition(
  read: CategoryRead,
  collate: (column: string) => string,
  bind: (key: string) => string,
): string | undefined {
  const range = read.range;
  if (range === undefined || (range.after === null && range.through === null)) return undefined;
  const row = `(${read.orderBy.map((c) => collate(`t0.${quoteIdent(c)}`)).join(', ')})`;
  const against = (key: readonly string[]) => `(${key.map(bind).join(', ')})`;
  const conditions: string[] = [];
  if (range.after !== null) conditions.push(`${row} > ${against(range.after)}`);
  if (range.through !== null) conditions.push(`${row} <= ${against(range.through)}`);
  return conditions.join(' AND ');
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
