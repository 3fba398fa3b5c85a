import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { countDemoRows } from './demo-counts.js';
import { createTableSql, type DemoSchema, type DemoTable } from './demo-schema.js';
import type { DemoCounts, DerivedRows, RowSink, SeedValue } from './row-sink.js';

/**
 * Writes a demo platform into a SQLite file: built beside `file` (as
 * `<file>.building`) one transaction per stage, and moved into place by
 * {@link SqliteSink.publish}, so a failed run leaves no partial database.
 * Enum values are stored as text.
 */
export class SqliteSink implements RowSink {
  readonly saturated = false;
  private readonly building: string;
  private readonly inserts = new Map<DemoTable, Statement>();
  private db: Database.Database | null = null;

  /**
   * @param file - Where the database ends up.
   * @param schema - The platform's tables.
   * @param tenants - The tenant ids {@link SqliteSink.finish} counts rows for.
   */
  constructor(
    readonly file: string,
    private readonly schema: DemoSchema,
    private readonly tenants: readonly string[],
  ) {
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
    for (const table of this.schema.tables) db.exec(createTableSql(table));
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
    if (!db.inTransaction) {
      db.exec('BEGIN');
      // Foreign keys hold at the end of each stage, not row by row: a reply may precede its parent.
      db.pragma('defer_foreign_keys = ON');
    }
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

  async derive(rows: DerivedRows): Promise<void> {
    await this.flush();
    const db = this.handle();
    db.transaction(() => {
      for (const sql of rows.sqlite) db.prepare(sql).run(...rows.params);
    })();
  }

  async finish(): Promise<DemoCounts> {
    await this.flush();
    const db = this.handle();
    for (const sql of this.schema.indexSql((name) => name)) db.exec(sql);
    return countDemoRows(this.schema, this.tenants, (sql) =>
      Promise.resolve(db.prepare(sql).all() as { tenant: string; n: number }[]),
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
