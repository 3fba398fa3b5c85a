import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Migration } from 'kysely';
import { Kysely, PostgresDialect } from './kysely.js';
import type pg from 'pg';
import * as initial from './migrations/0001-initial.js';
import * as imports from './migrations/0002-imports.js';
import * as importLeases from './migrations/0003-import-leases.js';
import * as importTrusted from './migrations/0004-import-trusted.js';
import * as webhooks from './migrations/0005-webhooks.js';
import * as exportMail from './migrations/0006-export-mail.js';
import * as keyLifecycle from './migrations/0007-key-lifecycle.js';
import * as portalSessions from './migrations/0008-portal-sessions.js';
import * as notificationRetention from './migrations/0009-notification-retention.js';
import { migrateToLatest } from './migrate.js';
import {
  isPostgresUrl,
  POSTGRES_CONNECTION,
  sqlitePath,
  takeConnectionErrors,
} from '../config/index.js';
import { toError } from '../errors/index.js';
import type { StateDatabase } from './schema.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';

/** Loads pg on PostgreSQL state only: a process on SQLite state never loads it. */
const requireCjs = createRequire(import.meta.url);

/** Portage's state migrations, by name; applied in name order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-imports': imports,
  '0003-import-leases': importLeases,
  '0004-import-trusted': importTrusted,
  '0005-webhooks': webhooks,
  '0006-export-mail': exportMail,
  '0007-key-lifecycle': keyLifecycle,
  '0008-portal-sessions': portalSessions,
  '0009-notification-retention': notificationRetention,
};

/** The database engines Portage keeps its state in. */
export type StateDialect = 'sqlite' | 'postgres';

/** A handle on Portage's own database. */
export interface StateDb {
  readonly db: Kysely<StateDatabase>;
  readonly dialect: StateDialect;
}

/** Options of {@link openStateDb}. */
export interface StateDbOptions {
  /** Connections in the PostgreSQL pool. (Default: 10) */
  readonly poolSize?: number;
}

/**
 * Opens Portage's state database — a SQLite file path (embedded mode) or a
 * `postgres://` URL (production) — and applies every pending migration, in
 * order ({@link migrateToLatest}). Concurrent starts against one database are
 * safe, and so are deployments in different schemas of one PostgreSQL database.
 */
export async function openStateDb(url: string, options: StateDbOptions = {}): Promise<StateDb> {
  const opened = isPostgresUrl(url) ? openPostgres(url, options) : openSqlite(url);
  try {
    await migrateToLatest(opened.db, opened.dialect, MIGRATIONS);
  } catch (error) {
    await opened.db.destroy();
    throw new Error(`Migrating Portage's database failed: ${toError(error).message}`, {
      cause: error,
    });
  }
  return opened;
}

function openSqlite(url: string): StateDb {
  const file = sqlitePath(url);
  if (file !== ':memory:') {
    // The state holds the download-link secret: only Portage's user may read it.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  for (const companion of [`${file}-wal`, `${file}-shm`]) {
    if (existsSync(companion)) chmodSync(companion, 0o600);
  }
  const db = new Kysely<StateDatabase>({ dialect: new SqliteImmediateDialect(sqlite) });
  return { db, dialect: 'sqlite' };
}

function openPostgres(url: string, options: StateDbOptions): StateDb {
  const { Pool } = requireCjs('pg') as typeof pg;
  const pool = takeConnectionErrors(
    new Pool({
      ...POSTGRES_CONNECTION,
      connectionString: url,
      max: options.poolSize ?? 10,
      application_name: 'portage',
    }),
    (error) => console.error('PostgreSQL pool:', toError(error).message),
  );
  const db = new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres' };
}
