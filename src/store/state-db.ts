import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import { toError } from '../errors/index.js';
import type { StateDatabase } from './schema.js';

const MIGRATIONS: Record<string, Migration> = { '0001-initial': initial };

/** A handle on Portage's own database. */
export interface StateDb {
  readonly db: Kysely<StateDatabase>;
  readonly dialect: 'sqlite';
}

/**
 * Opens Portage's state database (a SQLite file path for now) and applies
 * every pending migration, in order.
 */
export async function openStateDb(url: string): Promise<StateDb> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      'PORTAGE_DATABASE_URL: PostgreSQL state is not available in this version; use a SQLite file path',
    );
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<StateDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'portage_migrations',
    migrationLockTableName: 'portage_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw new Error(`Migrating Portage's database failed: ${toError(error).message}`, {
      cause: error,
    });
  }
  return { db, dialect: 'sqlite' };
}
