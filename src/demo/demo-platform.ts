import type { DemoSchema } from './demo-schema.js';
import type { RowSink } from './row-sink.js';

/** One tenant of a demo platform. */
export interface DemoTenant {
  /** The tenant id: the value of `--tenant`, and of the tenant column of every row it owns. */
  readonly id: string;
  /** Its display name. */
  readonly name: string;
}

/** What one generation run gives a platform's stages. */
export interface DemoRun {
  /** Where the rows go. */
  readonly sink: RowSink;
  /** Size of the data set, a positive number; each platform says what it multiplies. */
  readonly scale: number;
  /** Directory the platform's files are written under (its tenants' folders are fresh). */
  readonly filesDir: string;
  /** Receives progress lines. */
  readonly progress: (message: string) => void;
}

/** One stage of a generation: a name for progress, and the work. */
export type DemoStage = readonly [name: string, run: () => Promise<void>];

/**
 * A bundled demo platform: a database schema, a catalog that declares all of
 * it, tenants, and a deterministic generator of their rows at any scale.
 */
export interface DemoPlatform {
  /** Its name in the registry and on the command line (`portage demo --platform <name>`). */
  readonly name: string;
  /** The name people read, e.g. "Acme Tasks". */
  readonly title: string;
  /** Absolute path of its catalog file, under `catalog/`. */
  readonly catalogFile: string;
  /** Its tenants, in generation order; the last is empty, the target of round trips. */
  readonly tenants: readonly DemoTenant[];
  /** The tenant left empty (only its account row), into which round-trip tests import. */
  readonly emptyTenant: string;
  readonly schema: DemoSchema;
  /** File name of its SQLite database in the data directory. */
  readonly sqliteFile: string;
  /**
   * The stages that fill `run.sink`; the same rows in the same order on every
   * run at the same scale, whatever the sink. Each stage's rows are flushed
   * before the next one starts.
   */
  stages(run: DemoRun): DemoStage[];
}
