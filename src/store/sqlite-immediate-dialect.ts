import type { Database } from 'better-sqlite3';
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteStatement } from 'kysely';
import { CompiledQuery, SqliteDialect, SqliteDriver } from './kysely.js';

/**
 * SQLite whose transactions begin `IMMEDIATE`: each takes the write lock at
 * its start rather than at its first write. One process already runs one
 * transaction at a time on its single connection; with this, several
 * processes on one file (a `portage worker` beside `portage serve
 * --no-worker`) queue behind `busy_timeout` instead of failing with
 * "database is locked" when two read-then-write transactions meet.
 */
export class SqliteImmediateDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;

  constructor(database: Database) {
    const kept = keepingStatements(database);
    super({ database: kept });
    this.#database = kept;
  }

  override createDriver(): Driver {
    return new SqliteImmediateDriver({ database: this.#database });
  }
}

/** Prepared statements kept per connection, by their SQL text, least recently used dropped first. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * `database` with its prepared statements kept: Kysely's SQLite driver
 * prepares every query anew, which a profile of `GET /v1/exports/{id}` put at
 * a tenth of the server's CPU. A statement is only ever used by one query at a
 * time, since Kysely runs one query at a time on its one connection; SQLite
 * prepares a kept statement again by itself when the schema has changed.
 */
function keepingStatements(database: Database): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      let statement = kept.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (kept.size >= STATEMENT_CACHE_SIZE) kept.delete(kept.keys().next().value!);
      } else {
        kept.delete(sql);
      }
      kept.set(sql, statement);
      return statement;
    },
    close() {
      kept.clear();
      database.close();
    },
  };
}

class SqliteImmediateDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
