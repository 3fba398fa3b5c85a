import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { countByTenantSql, countDemoRows } from './demo-counts.js';
import type { DemoCounts, RowSink, SeedValue } from './row-sink.js';
import { createIndexSql, createTableSql, DEMO_TABLES, type DemoTable } from './schema.js';

/**
 * Writes the demo platform into a SQLite file: built beside `file` (as
 * `<file>.building`) one transaction per stage, and moved into place by
 * {@link SqliteSink.publish}, so a failed run leaves no partial database.
 */
export class SqliteSink implements RowSink {
  readonly saturated = false;
  private readonly building: string;
  private readonly inserts = new Map<DemoTable, Statement>();
  private db: Database.Database | null = null;

  constructor(readonly file: string) {
    this.building = `${file}.building`;
  }

  open(): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    removeDatabase(this.building);
    const db = new Database(this.building);
    this.db = db;
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -65536');
    for (const table of DEMO_TABLES) db.exec(createTableSql(table));
    return Promise.resolve();
  }

  write(table: DemoTable, values: readonly SeedValue[]): void {
    const db = this.handle();
    let insert = this.inserts.get(table);
    if (!insert) {
      const columns = table.columns.map((c) => c.name);
      insert = db.prepare(
        `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      this.inserts.set(table, insert);
    }
    if (!db.inTransaction) db.exec('BEGIN');
    insert.run(values);
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }

  flush(): Promise<void> {
    const db = this.handle();
    if (db.inTransaction) db.exec('COMMIT');
    return Promise.resolve();
  }

  async deriveSearchIndex(indexedAt: string): Promise<void> {
    await this.flush();
    const db = this.handle();
    db.transaction(() => {
      db.prepare(
        `INSERT INTO search_index (tenant_id, source_type, source_id, content, indexed_at)
         SELECT tenant_id, 'task', id, substr(title || ' ' || coalesce(description, ''), 1, 160), ?
         FROM tasks WHERE deleted_at IS NULL ORDER BY id`,
      ).run(indexedAt);
      db.prepare(
        `INSERT INTO search_index (tenant_id, source_type, source_id, content, indexed_at)
         SELECT tenant_id, 'comment', id, substr(body, 1, 160), ?
         FROM comments WHERE deleted_at IS NULL ORDER BY id`,
      ).run(indexedAt);
    })();
  }

  async finish(): Promise<DemoCounts> {
    await this.flush();
    const db = this.handle();
    for (const sql of createIndexSql()) db.exec(sql);
    return countDemoRows((table) =>
      Promise.resolve(db.prepare(countByTenantSql(table)).all() as { tenant: string; n: number }[]),
    );
  }

  publish(): Promise<void> {
    this.handle().close();
    this.db = null;
    removeDatabase(this.file);
    renameSync(this.building, this.file);
    return Promise.resolve();
  }

  abort(): Promise<void> {
    this.db?.close();
    this.db = null;
    removeDatabase(this.building);
    return Promise.resolve();
  }

  private handle(): Database.Database {
    if (this.db === null) throw new Error('the SQLite demo database is not open');
    return this.db;
  }
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}
