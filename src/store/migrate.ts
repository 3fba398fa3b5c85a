import type { Kysely, Migration } from 'kysely';
import { sql } from './kysely.js';
import type { StateDialect } from './state-db.js';

/** The table that records which migrations a database has had. */
const MIGRATION_TABLE = 'portage_migrations';

/**
 * The PostgreSQL advisory lock that serialises migrating starts. One number
 * for every schema: starts of different deployments in one database wait on
 * each other for the few milliseconds a migration check takes, never fail.
 */
const MIGRATION_LOCK = 0x706f7274; // "port"

/**
 * Applies, in name order and in one transaction, every migration the database
 * has not had, and records each in `portage_migrations`.
 *
 * Everything happens in the connection's own schema (PostgreSQL's
 * `search_path`): the check never reads other schemas, so several Portage
 * deployments can share one PostgreSQL database, and a schema dropped by
 * someone else at the same moment cannot fail it. Concurrent starts on one
 * database queue on an advisory lock (PostgreSQL) or the write lock
 * (SQLite's `begin immediate`) and only the first migrates.
 *
 * Refuses to start on a database that has had a migration this build does
 * not know (a newer Portage ran on it), or that lacks one older than the last
 * it has had: running on either would corrupt the state.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  dialect: StateDialect,
  migrations: Readonly<Record<string, Migration>>,
): Promise<readonly string[]> {
  const names = Object.keys(migrations).sort();
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    // Existing databases have this table already, made by the same definition.
    await sql`create table if not exists ${sql.table(MIGRATION_TABLE)} (
      name varchar(255) not null primary key,
      timestamp varchar(255) not null
    )`.execute(trx);
    const applied = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`
      .execute(trx)
      .then((result) => new Set(result.rows.map((row) => row.name)));
    const unknown = [...applied].filter((name) => !(name in migrations)).sort();
    if (unknown.length > 0) {
      throw new Error(
        `the database has had migration ${unknown.join(', ')}, which this version of Portage does not know: a newer version ran on it`,
      );
    }
    const pending = names.filter((name) => !applied.has(name));
    const lastApplied = names.filter((name) => applied.has(name)).at(-1);
    const skipped = lastApplied === undefined ? [] : pending.filter((name) => name < lastApplied);
    if (skipped.length > 0) {
      throw new Error(
        `the database has had migration ${lastApplied} but not the older ${skipped.join(', ')}`,
      );
    }
    for (const name of pending) {
      await migrations[name]!.up(trx);
      await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
        trx,
      );
    }
    return pending;
  });
}
