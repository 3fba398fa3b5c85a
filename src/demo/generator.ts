import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { DemoPlatform } from './demo-platform.js';
import { DEFAULT_DEMO_PLATFORM } from './registry.js';
import type { DemoCounts, RowSink } from './row-sink.js';
import { SqliteSink } from './sqlite-sink.js';

/** Options of every demo generation, whatever database it writes. */
export interface DemoSeedOptions {
  /**
   * Directory the attachment files are written under; each row's `storage_key`
   * is relative to it. The demo tenants' folders in it are replaced.
   */
  readonly filesDir: string;
  /**
   * The platform to generate. (Default: Acme Tasks, {@link DEFAULT_DEMO_PLATFORM})
   */
  readonly platform?: DemoPlatform;
  /**
   * Size of the data set, any positive number; each platform says what grows
   * with it (Acme Tasks: `acme` gets 2,000 × scale tasks, and scale 500 one
   * million). (Default: 1)
   */
  readonly scale?: number;
  /** Receives a line per stage and every 100,000 tasks. (Default: none) */
  readonly onProgress?: (message: string) => void;
  /**
   * Called as each stage starts, with how many are done and how many there
   * are in all (the last is building the indexes), for a progress bar. (Default: none)
   */
  readonly onStage?: (stage: { name: string; done: number; total: number }) => void;
}

/** Options of {@link generateDemoPlatform}. */
export interface GenerateDemoOptions extends DemoSeedOptions {
  /** Path of the SQLite database to write. A file already there is replaced. */
  readonly file: string;
}

/** What a demo generation wrote, whatever the database. */
export interface DemoSeedSummary {
  /** The platform's registry name. */
  readonly platform: string;
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
 * Writes a demo platform (by default "Acme Tasks"): a fresh SQLite database at
 * `file` and its files under `filesDir`. Deterministic: the same scale gives
 * the same rows and files on every run. The database is built beside `file`
 * and moved into place when complete, so a failed run leaves no partial database.
 */
export async function generateDemoPlatform(options: GenerateDemoOptions): Promise<DemoSummary> {
  const platform = options.platform ?? DEFAULT_DEMO_PLATFORM;
  const tenants = platform.tenants.map((t) => t.id);
  const sink = new SqliteSink(options.file, platform.schema, tenants);
  const summary = await seedDemoPlatform(sink, options);
  options.onProgress?.(`wrote ${options.file}`);
  return { file: options.file, ...summary };
}

/**
 * Generates a demo platform's rows into `sink` (made for the same platform)
 * and its files under `filesDir`: the same rows, in the same order, whatever
 * the sink. The sink is published when every stage succeeded, and aborted otherwise.
 */
export async function seedDemoPlatform(
  sink: RowSink,
  options: DemoSeedOptions,
): Promise<DemoSeedSummary> {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`scale must be a positive number (got ${scale})`);
  }
  const platform = options.platform ?? DEFAULT_DEMO_PLATFORM;
  const progress = options.onProgress ?? (() => undefined);
  for (const tenant of platform.tenants) {
    rmSync(join(options.filesDir, tenant.id), { recursive: true, force: true });
  }
  mkdirSync(options.filesDir, { recursive: true });

  let counts: DemoCounts;
  try {
    await sink.open();
    const stages = platform.stages({ sink, scale, filesDir: options.filesDir, progress });
    const total = stages.length + 1;
    for (const [index, [name, run]] of stages.entries()) {
      progress(name);
      options.onStage?.({ name, done: index, total });
      await setImmediate();
      await run();
      await sink.flush();
    }
    progress('indexes');
    options.onStage?.({ name: 'indexes', done: total - 1, total });
    counts = await sink.finish();
    await sink.publish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return { platform: platform.name, filesDir: options.filesDir, scale, counts };
}
