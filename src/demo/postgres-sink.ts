import { createRequire } from 'node:module';
import type pg from 'pg';
import { postgresPoolConfig, postgresTarget, takeConnectionErrors } from '../config/index.js';
import { quoteIdent } from '../sources/index.js';
import { countDemoRows } from './demo-counts.js';
import type { DemoSchema, DemoTable } from './demo-schema.js';
import {
  copyFromSql,
  createEnumSql,
  createPgTableSql,
  foreignKeysSql,
  primaryKeySql,
  qualifier,
} from './postgres-schema.js';
import type { DemoCounts, DerivedRows, RowSink, SeedValue } from './row-sink.js';
import { TableCopy } from './table-copy.js';

/** Prefix of the schema the demo tables are loaded into before they replace the target's. */
const BUILDING_PREFIX = 'portage_demo_building_';
/** Queued text, in UTF-16 code units, above which the generator waits for the database. */
const MAX_QUEUED = 1 << 20;

/**
 * Writes a demo platform into PostgreSQL. Enum types and tables are created,
 * without keys, in a schema of their own and filled through one
 * `COPY … FROM STDIN` per table and stage (several tables at once, each on its
 * own connection); keys, foreign keys and indexes are added after the load.
 * {@link PostgresSink.publish} then moves them, in one transaction, into the
 * schema the URL's `?schema=` names (created if missing), or else its current
 * schema (normally `public`), replacing the platform's tables and types there;
 * a failed run leaves that schema untouched.
 */
export class PostgresSink implements RowSink {
  private readonly pool: pg.Pool;
  private building = `${BUILDING_PREFIX}public`;
  private on = qualifier(this.building);
  private readonly copies = new Map<DemoTable, TableCopy>();
  private queued = 0;
  private target: string | null = null;

  private readonly named: string | null;

  /**
   * @param url - A `postgres://` URL of the database to write into, optionally with `?schema=`.
   * @param schema - The platform's tables and enum types.
   * @param tenants - The tenant ids {@link PostgresSink.finish} counts rows for.
   */
  constructor(
    url: string,
    private readonly schema: DemoSchema,
    private readonly tenants: readonly string[],
  ) {
    this.named = postgresTarget(url).schema;
    const { Pool } = createRequire(import.meta.url)('pg') as typeof pg;
    this.pool = takeConnectionErrors(
      new Pool({
        ...postgresPoolConfig(url, ['-c synchronous_commit=off', '-c maintenance_work_mem=256MB']),
        max: 8,
      }),
    );
  }

  get saturated(): boolean {
    return this.queued > MAX_QUEUED;
  }

  async open(): Promise<void> {
    if (this.named !== null) {
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.named)}`);
    }
    const { rows } = await this.pool.query<{ schema: string | null }>(
      'SELECT current_schema() AS schema',
    );
    const target = rows[0]?.schema ?? null;
    if (target === null) throw new Error('the PostgreSQL search_path names no existing schema');
    this.target = target;
    // One building schema per target, so that platforms loaded side by side do not meet.
    this.building = `${BUILDING_PREFIX}${target}`.slice(0, 63);
    this.on = qualifier(this.building);
    await this.pool.query(
      `DROP SCHEMA IF EXISTS ${quoteIdent(this.building)} CASCADE;
       CREATE SCHEMA ${quoteIdent(this.building)}`,
    );
    for (const type of this.schema.enums) await this.pool.query(createEnumSql(type, this.on));
    for (const table of this.schema.tables) {
      await this.pool.query(createPgTableSql(table, this.on, this.schema));
    }
  }

  write(table: DemoTable, values: readonly SeedValue[]): void {
    let copy = this.copies.get(table);
    if (!copy) {
      copy = new TableCopy(this.pool, copyFromSql(table, this.on));
      this.copies.set(table, copy);
    }
    const before = copy.queuedLength;
    copy.push(values);
    this.queued += copy.queuedLength - before;
  }

  async drain(): Promise<void> {
    this.queued = 0;
    await Promise.all([...this.copies.values()].map((copy) => copy.drain()));
  }

  async flush(): Promise<void> {
    this.queued = 0;
    const copies = [...this.copies.values()];
    this.copies.clear();
    await Promise.all(copies.map((copy) => copy.end()));
  }

  async derive(rows: DerivedRows): Promise<void> {
    await this.flush();
    const params = [...rows.params];
    await this.#transaction(async (client) => {
      for (const sql of rows.postgres(this.on)) await client.query(sql, params);
    });
  }

  async finish(): Promise<DemoCounts> {
    await this.flush();
    const run = (sql: string) => this.pool.query(sql).then(() => undefined);
    const tables = this.schema.tables;
    await Promise.all(tables.map((table) => run(primaryKeySql(table, this.on))));
    // One table at a time: adding a foreign key locks the referenced table too.
    for (const table of tables) {
      const sql = foreignKeysSql(table, this.on);
      if (sql !== null) await run(sql);
    }
    await Promise.all(this.schema.indexSql(this.on).map(run));
    await run(`ANALYZE ${tables.map((t) => this.on(t.name)).join(', ')}`);
    return countDemoRows(
      this.schema,
      this.tenants,
      async (sql) => {
        const { rows } = await this.pool.query<{ tenant: string; n: string }>(sql);
        return rows;
      },
      this.on,
    );
  }

  async publish(): Promise<void> {
    const target = this.target;
    if (target === null) throw new Error('the PostgreSQL demo sink is not open');
    const into = qualifier(target);
    await this.#transaction(async (client) => {
      const { tables, enums } = this.schema;
      await client.query(
        `DROP TABLE IF EXISTS ${tables.map((t) => into(t.name)).join(', ')} CASCADE`,
      );
      for (const type of enums) await client.query(`DROP TYPE IF EXISTS ${into(type.name)}`);
      for (const table of tables) {
        await client.query(`ALTER TABLE ${this.on(table.name)} SET SCHEMA ${quoteIdent(target)}`);
      }
      for (const type of enums) {
        await client.query(`ALTER TYPE ${this.on(type.name)} SET SCHEMA ${quoteIdent(target)}`);
      }
      await client.query(`DROP SCHEMA ${quoteIdent(this.building)}`);
    });
    await this.pool.end();
  }

  /** Runs `work` in one transaction on one pooled client, rolled back if it fails. */
  async #transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async abort(): Promise<void> {
    for (const copy of this.copies.values()) copy.abort();
    this.copies.clear();
    await this.pool
      .query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.building)} CASCADE`)
      .catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
