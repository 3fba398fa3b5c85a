import type { Migration } from 'kysely';
import { Kysely, PostgresAdapter, PostgresDialect, sql } from './kysely.js';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from './migrate.js';
import type { StateDatabase } from './schema.js';
import { MIGRATIONS, openStateDb } from './state-db.js';
import {
  createStateDatabase,
  DIALECTS,
  type TestStateDatabase,
} from '../../test/support/state-stores.js';
import { pgPool } from '../../test/support/postgres.js';

/** A migration that creates one table named after it. */
function creates(table: string): Migration {
  return { up: (db) => db.schema.createTable(table).addColumn('id', 'integer').execute() };
}

/** The tables of the connection's own schema (never its neighbours'). */
async function tablesOf<DB>(db: Kysely<DB>): Promise<string[]> {
  const tables = await (
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master
        where type = 'table' and name not like 'sqlite_%'`
  ).execute(db);
  return tables.rows.map((table) => table.name).sort();
}

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  const opened: { destroy(): Promise<void> }[] = [];
  const databases: TestStateDatabase[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
    await Promise.all(databases.splice(0).map((database) => database.drop()));
  });

  async function freshDatabase(): Promise<Kysely<StateDatabase>> {
    const database = await createStateDatabase(dialect);
    databases.push(database);
    const { db } = await openStateDb(database.url);
    opened.push(db);
    // Start from nothing: the state tables are not the subject here.
    for (const table of await tablesOf(db)) {
      const drop = db.schema.dropTable(table);
      await (dialect === 'postgres' ? drop.cascade() : drop).execute();
    }
    return db;
  }

  it('applies pending migrations in name order, once, and records each', async () => {
    const db = await freshDatabase();
    const order: string[] = [];
    const tracing = (name: string): Migration => ({
      up: async (trx) => {
        order.push(name);
        await creates(`t_${name}`).up(trx);
      },
    });
    const all = { b: tracing('b'), a: tracing('a'), c: tracing('c') };
    expect(await migrateToLatest(db, dialect, { a: all.a })).toEqual(['a']);
    expect(await migrateToLatest(db, dialect, all)).toEqual(['b', 'c']);
    expect(await migrateToLatest(db, dialect, all)).toEqual([]);
    expect(order).toEqual(['a', 'b', 'c']);
    const recorded = await sql<{
      name: string;
    }>`select name from portage_migrations order by name`.execute(db);
    expect(recorded.rows.map((row) => row.name)).toEqual(['a', 'b', 'c']);
  });

  it('leaves nothing behind when a migration fails', async () => {
    const db = await freshDatabase();
    const failing = {
      a: creates('t_a'),
      b: { up: () => Promise.reject(new Error('b cannot run')) } satisfies Migration,
    };
    await expect(migrateToLatest(db, dialect, failing)).rejects.toThrow('b cannot run');
    expect(await tablesOf(db)).not.toContain('t_a');
    expect(await migrateToLatest(db, dialect, { a: creates('t_a') })).toEqual(['a']);
  });

  it('refuses a database a newer version migrated, and one with a gap', async () => {
    const db = await freshDatabase();
    await migrateToLatest(db, dialect, { a: creates('t_a'), z: creates('t_z') });
    await expect(migrateToLatest(db, dialect, { a: creates('t_a') })).rejects.toThrow(
      /migration z, which this version of Portage does not know/,
    );
    await expect(
      migrateToLatest(db, dialect, { a: creates('t_a'), m: creates('t_m'), z: creates('t_z') }),
    ).rejects.toThrow(/had migration z but not the older m/);
  });

  it('lets concurrent starts on one database migrate once', async () => {
    const database = await createStateDatabase(dialect);
    databases.push(database);
    const starts = await Promise.all(
      Array.from({ length: dialect === 'postgres' ? 6 : 1 }, () => openStateDb(database.url)),
    );
    opened.push(...starts.map((start) => start.db));
    const recorded = await sql<{
      n: number | string;
    }>`select count(*) as n from portage_migrations`.execute(starts[0]!.db);
    expect(Number(recorded.rows[0]!.n)).toBe(Object.keys(MIGRATIONS).length);
  });
});

describe('migrations in shared PostgreSQL databases', () => {
  const databases: TestStateDatabase[] = [];
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((database) => database.drop()));
  });

  it('migrate each schema on its own, while other schemas come and go', async () => {
    // Two deployments in one database: the second must not take the first's
    // tables for its own (the check once looked in every schema).
    const first = await createStateDatabase('postgres');
    const second = await createStateDatabase('postgres');
    databases.push(first, second);
    const one = await openStateDb(first.url);
    // Meanwhile, schemas are created and dropped beside them, as parallel test
    // files and other tenants of a shared server do.
    let churning = true;
    const churn = (async () => {
      while (churning) {
        const passing = await createStateDatabase('postgres');
        await passing.drop();
      }
    })();
    try {
      const starts = await Promise.all(Array.from({ length: 4 }, () => openStateDb(second.url)));
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = current_schema() and table_name = 'exports'`.execute(starts[0]!.db);
      expect(tables.rows).toHaveLength(1);
      await Promise.all(starts.map((start) => start.db.destroy()));
    } finally {
      churning = false;
      await churn;
      await one.db.destroy();
    }
  });

  it('opens a database an earlier release migrated', async () => {
    // Earlier releases kept the same `portage_migrations` table beside a lock
    // table; the migrations they recorded must count as applied.
    const database = await createStateDatabase('postgres');
    databases.push(database);
    const { db } = await openStateDb(database.url);
    await db.schema
      .createTable('portage_migrations_lock')
      .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('is_locked', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.destroy();
    const again = await openStateDb(database.url);
    const raw = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: pgPool({ connectionString: database.url, max: 1 }),
      }),
    });
    try {
      const recorded = await sql<{
        n: string;
      }>`select count(*) as n from portage_migrations`.execute(raw);
      expect(Number(recorded.rows[0]!.n)).toBe(Object.keys(MIGRATIONS).length);
    } finally {
      await raw.destroy();
      await again.db.destroy();
    }
  });
});
