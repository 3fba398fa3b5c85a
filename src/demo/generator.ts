import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { createIndexSql, createTableSql, DEMO_TABLES } from './schema.js';
import { seedBilling } from './seed-billing.js';
import { SeedContext } from './seed-context.js';
import { seedDirectory } from './seed-directory.js';
import { seedDerived, seedInternal } from './seed-internal.js';
import { seedTasks } from './seed-tasks.js';
import { DEMO_TENANTS, tenantProfiles } from './tenants.js';

/** Options of {@link generateDemoPlatform}. */
export interface GenerateDemoOptions {
  /** Path of the SQLite database to write. A file already there is replaced. */
  readonly file: string;
  /**
   * Directory the attachment files are written under; each row's `storage_key`
   * is relative to it. The demo tenants' folders in it are replaced.
   */
  readonly filesDir: string;
  /**
   * Size of the data set: `acme` gets 2,000 × scale tasks, `globex` 500 × scale,
   * `initech` 200 × scale, with users, projects, comments, task labels, audit
   * events and webhook deliveries in proportion; labels, attachments, invoices
   * and the other small tables stay fixed (see {@link tenantProfiles}). Any
   * positive number; scale 500 gives `acme` one million tasks. (Default: 1)
   */
  readonly scale?: number;
  /** Receives a line per stage and every 100,000 tasks. (Default: none) */
  readonly onProgress?: (message: string) => void;
}

/** What {@link generateDemoPlatform} wrote. */
export interface DemoSummary {
  readonly file: string;
  readonly filesDir: string;
  readonly scale: number;
  /**
   * Rows per table for each tenant id, e.g. `counts.acme.tasks`. Every table of
   * the schema is listed for every tenant, with 0 where it has none.
   */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Writes the demo platform "Acme Tasks": a fresh SQLite database at `file` and
 * its attachment files under `filesDir`. Deterministic: the same scale gives the
 * same rows and files on every run. The database is built beside `file` and
 * moved into place when complete, so a failed run leaves no partial database.
 */
export async function generateDemoPlatform(options: GenerateDemoOptions): Promise<DemoSummary> {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`scale must be a positive number (got ${scale})`);
  }
  const progress = options.onProgress ?? (() => undefined);
  const building = `${options.file}.building`;
  mkdirSync(dirname(options.file), { recursive: true });
  removeDatabase(building);
  for (const tenant of DEMO_TENANTS) {
    rmSync(join(options.filesDir, tenant.id), { recursive: true, force: true });
  }
  mkdirSync(options.filesDir, { recursive: true });

  const db = new Database(building);
  let counts: DemoSummary['counts'];
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -65536');
    for (const table of DEMO_TABLES) db.exec(createTableSql(table));

    const ctx = new SeedContext(db, tenantProfiles(scale), options.filesDir, progress);
    const stages: [string, () => void][] = [
      ['accounts, users, projects and labels', () => seedDirectory(ctx)],
      ['tasks, comments, task labels, attachments and audit events', () => seedTasks(ctx)],
      ['webhooks, deliveries, invoices, payment methods and settings', () => seedBilling(ctx)],
      ['api keys and sessions', () => seedInternal(ctx)],
      ['search index and project statistics', () => seedDerived(ctx)],
      ['indexes', () => createIndexSql().forEach((sql) => db.exec(sql))],
    ];
    for (const [name, run] of stages) {
      progress(name);
      await setImmediate();
      run();
    }
    counts = countRows(db);
    db.close();
  } catch (error) {
    db.close();
    removeDatabase(building);
    throw error;
  }
  removeDatabase(options.file);
  renameSync(building, options.file);
  progress(`wrote ${options.file}`);
  return { file: options.file, filesDir: options.filesDir, scale, counts };
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

function countRows(db: Database.Database): DemoSummary['counts'] {
  const counts: Record<string, Record<string, number>> = {};
  for (const tenant of DEMO_TENANTS) {
    counts[tenant.id] = Object.fromEntries(DEMO_TABLES.map((t) => [t.name, 0]));
  }
  for (const table of DEMO_TABLES) {
    const sql =
      table.tenantColumn === null
        ? `SELECT t.tenant_id AS tenant, count(*) AS n FROM ${table.name} x
           JOIN tasks t ON t.id = x.task_id GROUP BY t.tenant_id`
        : `SELECT ${table.tenantColumn} AS tenant, count(*) AS n FROM ${table.name} GROUP BY 1`;
    for (const row of db.prepare(sql).all() as { tenant: string; n: number }[]) {
      const perTable = counts[row.tenant];
      if (perTable) perTable[table.name] = row.n;
    }
  }
  return counts;
}
