import type mysql from 'mysql2/promise';
import { openMysqlPool, quoteIdent } from '../sources/index.js';
import { countDemoRows } from './demo-counts.js';
import type { DemoSchema, DemoTable } from './demo-schema.js';
import { createMysqlTableSql, mysqlSeedValue } from './mysql-schema.js';
import { foreignKeysSql } from './postgres-schema.js';
import type { DemoCounts, DerivedRows, RowSink, SeedValue } from './row-sink.js';

/** Rows per INSERT statement at most. */
const ROWS_PER_INSERT = 1000;
/** Queued values, counted roughly in characters, above which the generator waits for the database. */
const MAX_QUEUED = 4 << 20;

/**
 * Writes a demo platform into the MySQL or MariaDB database its URL names:
 * the platform's tables (replacing those already there, other tables left
 * alone) are created with their primary keys, filled by multi-row INSERTs,
 * and given their foreign keys and indexes after the load. A failed run drops
 * the platform's tables it created.
 */
export class MysqlSink implements RowSink {
  private readonly pool: mysql.Pool;
  private readonly queues = new Map<DemoTable, SeedValue[][]>();
  private queued = 0;

  /**
   * @param url - A `mysql://` (or `mariadb://`) URL naming the database to write into.
   * @param schema - The platform's tables.
   * @param tenants - The tenant ids {@link MysqlSink.finish} counts rows for.
   */
  constructor(
    url: string,
    private readonly schema: DemoSchema,
    private readonly tenants: readonly string[],
  ) {
    this.pool = openMysqlPool(url, 4);
  }

  get saturated(): boolean {
    return this.queued > MAX_QUEUED;
  }

  async open(): Promise<void> {
    await this.dropTables();
    for (const table of this.schema.tables) {
      await this.pool.query(createMysqlTableSql(table, this.schema));
    }
  }

  write(table: DemoTable, values: readonly SeedValue[]): void {
    let queue = this.queues.get(table);
    if (queue === undefined) {
      queue = [];
      this.queues.set(table, queue);
    }
    queue.push(values.map((v, i) => mysqlSeedValue(table.columns[i]!.pgType, v) as SeedValue));
    for (const v of values) this.queued += typeof v === 'string' ? v.length : 8;
  }

  async drain(): Promise<void> {
    const queues = [...this.queues];
    this.queues.clear();
    this.queued = 0;
    await Promise.all(queues.map(([table, rows]) => this.insert(table, rows)));
  }

  flush(): Promise<void> {
    return this.drain();
  }

  async derive(rows: DerivedRows): Promise<void> {
    await this.flush();
    const params = rows.params.map((p) =>
      typeof p === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(p)
        ? (mysqlSeedValue('timestamptz', p) as string)
        : p,
    );
    const connection = await this.pool.getConnection();
    try {
      for (const sql of rows.mysql) {
        await connection.query(sql, sql.includes('?') ? params : []);
      }
    } finally {
      connection.release();
    }
  }

  async finish(): Promise<DemoCounts> {
    await this.flush();
    const on = (table: string) => quoteIdent(table);
    const connection = await this.pool.getConnection();
    try {
      // The rows are the generator's own: adding a key need not check them again.
      await connection.query('SET SESSION foreign_key_checks = 0');
      for (const table of this.schema.tables) {
        const sql = foreignKeysSql(table, on);
        if (sql !== null) await connection.query(sql);
      }
      await connection.query('SET SESSION foreign_key_checks = 1');
    } finally {
      connection.release();
    }
    for (const sql of this.schema.indexSql(on)) await this.pool.query(quoteIndexColumns(sql));
    return countDemoRows(
      this.schema,
      this.tenants,
      async (sql) => {
        const [rows] = await this.pool.query(sql);
        return rows as { tenant: string; n: string }[];
      },
      on,
    );
  }

  async publish(): Promise<void> {
    await this.pool.end();
  }

  async abort(): Promise<void> {
    this.queues.clear();
    await this.dropTables().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async insert(table: DemoTable, rows: SeedValue[][]): Promise<void> {
    const names = table.columns.map((c) => quoteIdent(c.name)).join(', ');
    const tuple = `(${table.columns.map(() => '?').join(', ')})`;
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const batch = rows.slice(start, start + ROWS_PER_INSERT);
      await this.pool.query(
        `INSERT INTO ${quoteIdent(table.name)} (${names}) VALUES ${batch.map(() => tuple).join(', ')}`,
        batch.flat(),
      );
    }
  }

  private async dropTables(): Promise<void> {
    const connection = await this.pool.getConnection();
    try {
      await connection.query('SET SESSION foreign_key_checks = 0');
      const names = this.schema.tables.map((t) => quoteIdent(t.name)).join(', ');
      await connection.query(`DROP TABLE IF EXISTS ${names}`);
      await connection.query('SET SESSION foreign_key_checks = 1');
    } finally {
      connection.release();
    }
  }
}

/**
 * An index statement with the bare column names of its column list quoted:
 * the platforms write them for PostgreSQL and SQLite, where `key` is no
 * reserved word.
 */
function quoteIndexColumns(sql: string): string {
  return sql.replace(/\(([\w\s,]+)\)\s*$/, (_, list: string) => {
    const names = list.split(',').map((name) => quoteIdent(name.trim()));
    return `(${names.join(', ')})`;
  });
}
