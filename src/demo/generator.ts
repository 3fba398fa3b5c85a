import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { DemoCounts, RowSink } from './row-sink.js';
import { seedBilling } from './seed-billing.js';
import { SeedContext } from './seed-context.js';
import { seedDirectory } from './seed-directory.js';
import { seedDerived, seedInternal } from './seed-internal.js';
import { seedTasks } from './seed-tasks.js';
import { SqliteSink } from './sqlite-sink.js';
import { DEMO_TENANTS, tenantProfiles } from './tenants.js';

/** Options of every demo generation, whatever database it writes. */
export interface DemoSeedOptions {
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

/** Options of {@link generateDemoPlatform}. */
export interface GenerateDemoOptions extends DemoSeedOptions {
  /** Path of the SQLite database to write. A file already there is replaced. */
  readonly file: string;
}

/** What a demo generation wrote, whatever the database. */
export interface DemoSeedSummary {
  readonly filesDir: string;
  readonly scale: number;
  /**
   * Rows per table for each tenant id, e.g. `counts.acme.tasks`. Every table of
   * the schema is listed for every tenant, with 0 where it has none.
   */
  readonly counts: DemoCounts;
}

/** What {@link generateDemoPlatform} wrote. */
export interface DemoSummary extends DemoSeedSummary {
  readonly file: string;
}

/**
 * Writes the demo platform "Acme Tasks": a fresh SQLite database at `file` and
 * its attachment files under `filesDir`. Deterministic: the same scale gives the
 * same rows and files on every run. The database is built beside `file` and
 * moved into place when complete, so a failed run leaves no partial database.
 */
export async function generateDemoPlatform(options: GenerateDemoOptions): Promise<DemoSummary> {
  const summary = await seedDemoPlatform(new SqliteSink(options.file), options);
  options.onProgress?.(`wrote ${options.file}`);
  return { file: options.file, ...summary };
}

/**
 * Generates the demo platform's rows into `sink` and its files under
 * `filesDir`: the same rows, in the same order, whatever the sink. The sink is
 * published when every stage succeeded, and aborted otherwise.
 */
export async function seedDemoPlatform(
  sink: RowSink,
  options: DemoSeedOptions,
): Promise<DemoSeedSummary> {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`scale must be a positive number (got ${scale})`);
  }
  const progress = options.onProgress ?? (() => undefined);
  for (const tenant of DEMO_TENANTS) {
    rmSync(join(options.filesDir, tenant.id), { recursive: true, force: true });
  }
  mkdirSync(options.filesDir, { recursive: true });

  let counts: DemoCounts;
  try {
    await sink.open();
    const ctx = new SeedContext(sink, tenantProfiles(scale), options.filesDir, progress);
    const stages: [string, () => Promise<void>][] = [
      ['accounts, users, projects and labels', () => seedDirectory(ctx)],
      ['tasks, comments, task labels, attachments and audit events', () => seedTasks(ctx)],
      ['webhooks, deliveries, invoices, payment methods and settings', () => seedBilling(ctx)],
      ['api keys and sessions', () => seedInternal(ctx)],
      ['search index and project statistics', () => seedDerived(ctx)],
    ];
    for (const [name, run] of stages) {
      progress(name);
      await setImmediate();
      await run();
      await sink.flush();
    }
    progress('indexes');
    counts = await sink.finish();
    await sink.publish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return { filesDir: options.filesDir, scale, counts };
}
