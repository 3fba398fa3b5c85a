import type { Database } from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';

/**
 * SQLite whose transactions begin `IMMEDIATE`: each takes the write lock at
 * its start rather than at its first write. One process already runs one
 * transaction at a time on its single connection; with this, several
 * processes on one file (a `portage worker` beside `portage serve
 * --no-worker`) queue behind `busy_timeout` instead of failing with
 * "database is locked" when two read-then-write transactions meet.
 */
export class SqliteImmediateDialect extends SqliteDialect {
  readonly #database: Database;

  constructor(database: Database) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new SqliteImmediateDriver({ database: this.#database });
  }
}

class SqliteImmediateDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
