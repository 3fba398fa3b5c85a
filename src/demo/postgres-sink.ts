import pg from 'pg';
import { quoteIdent } from '../sources/index.js';
import { countByTenantSql, countDemoRows } from './demo-counts.js';
import {
  copyFromSql,
  createPgTableSql,
  foreignKeysSql,
  primaryKeySql,
  qualifier,
} from './postgres-schema.js';
import type { DemoCounts, RowSink, SeedValue } from './row-sink.js';
import { createIndexSql, DEMO_TABLES, type DemoTable } from './schema.js';
import { TableCopy } from './table-copy.js';

/** Schema the demo tables are loaded into before they replace the target's. */
const BUILDING_SCHEMA = 'portage_demo_building';
/** Queued text, in UTF-16 code units, above which the generator waits for the database. */
const MAX_QUEUED = 1 << 20;

/**
 * Writes the demo platform into PostgreSQL. Tables are created, without keys,
 * in a schema of their own and filled through one `COPY … FROM STDIN` per table
 * and stage (several tables at once, each on its own connection); keys, foreign
 * keys and indexes are added after the load. {@link PostgresSink.publish} then
 * moves the tables, in one transaction, into the URL's current schema
 * (normally `public`), replacing the demo tables there; a failed run leaves
 * that schema untouched.
 */
export class PostgresSink implements RowSink {
  private readonly pool: pg.Pool;
  private readonly on = qualifier(BUILDING_SCHEMA);
  private readonly copies = new Map<DemoTable, TableCopy>();
  private queued = 0;
  private target: string | null = null;

  /** @param url - A `postgres://` URL of the database to write into. */
  constructor(url: string) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: 8,
      options: '-c synchronous_commit=off -c maintenance_work_mem=256MB',
    });
  }

  get saturated(): boolean {
    return this.queued > MAX_QUEUED;
  }

  async open(): Promise<void> {
    const { rows } = await this.pool.query<{ schema: string | null }>(
      'SELECT current_schema() AS schema',
    );
    const target = rows[0]?.schema ?? null;
    if (target === null) throw new Error('the PostgreSQL search_path names no existing schema');
    this.target = target;
    await this.pool.query(
      `DROP SCHEMA IF EXISTS ${quoteIdent(BUILDING_SCHEMA)} CASCADE;
       CREATE SCHEMA ${quoteIdent(BUILDING_SCHEMA)}`,
    );
    for (const table of DEMO_TABLES) await this.pool.query(createPgTableSql(table, this.on));
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

  async deriveSearchIndex(indexedAt: string): Promise<void> {
    await this.flush();
    const on = this.on;
    await this.#transaction(async (client) => {
      await client.query(
        `INSERT INTO ${on('search_index')} (id, tenant_id, source_type, source_id, content, indexed_at)
         SELECT row_number() OVER (ORDER BY id), tenant_id, 'task', id,
                substr(title || ' ' || coalesce(description, ''), 1, 160), $1::timestamptz
         FROM ${on('tasks')} WHERE deleted_at IS NULL`,
        [indexedAt],
      );
      await client.query(
        `INSERT INTO ${on('search_index')} (id, tenant_id, source_type, source_id, content, indexed_at)
         SELECT (SELECT count(*) FROM ${on('search_index')}) + row_number() OVER (ORDER BY id),
                tenant_id, 'comment', id, substr(body, 1, 160), $1::timestamptz
         FROM ${on('comments')} WHERE deleted_at IS NULL`,
        [indexedAt],
      );
    });
  }

  async finish(): Promise<DemoCounts> {
    await this.flush();
    const run = (sql: string) => this.pool.query(sql).then(() => undefined);
    await Promise.all(DEMO_TABLES.map((table) => run(primaryKeySql(table, this.on))));
    // One table at a time: adding a foreign key locks the referenced table too.
    for (const table of DEMO_TABLES) {
      const sql = foreignKeysSql(table, this.on);
      if (sql !== null) await run(sql);
    }
    await Promise.all(createIndexSql(this.on).map(run));
    await run(`ANALYZE ${DEMO_TABLES.map((t) => this.on(t.name)).join(', ')}`);
    return countDemoRows(async (table) => {
      const { rows } = await this.pool.query<{ tenant: string; n: string }>(
        countByTenantSql(table, this.on),
      );
      return rows;
    });
  }

  async publish(): Promise<void> {
    const target = this.target;
    if (target === null) throw new Error('the PostgreSQL demo sink is not open');
    const into = qualifier(target);
    await this.#transaction(async (client) => {
      await client.query(
        `DROP TABLE IF EXISTS ${DEMO_TABLES.map((t) => into(t.name)).join(', ')} CASCADE`,
      );
      for (const table of DEMO_TABLES) {
        await client.query(`ALTER TABLE ${this.on(table.name)} SET SCHEMA ${quoteIdent(target)}`);
      }
      await client.query(`DROP SCHEMA ${quoteIdent(BUILDING_SCHEMA)}`);
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
      .query(`DROP SCHEMA IF EXISTS ${quoteIdent(BUILDING_SCHEMA)} CASCADE`)
      .catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
