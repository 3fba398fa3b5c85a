import type { Catalog } from '../catalog/index.js';
import type { AttachmentFiles } from './attachment-files.js';
import type { BundleArchive } from './bundle-archive.js';
import type { IdIndex } from './id-index.js';
import { ImportRefusal } from './import-error.js';
import type { ImportLimits } from './import-limits.js';
import type { ImportMode, ImportProgress } from './import-options.js';
import type { CategoryPlan } from './import-plan.js';
import { jsonlLines } from './jsonl-lines.js';
import type { PlatformTransaction } from './platform-writer.js';
import { parseRecord, type RecordValidator } from './record-validator.js';

/** Everything both passes over the records share. */
export interface ImportRun {
  readonly archive: BundleArchive;
  readonly catalog: Catalog;
  readonly plans: readonly CategoryPlan[];
  readonly tx: PlatformTransaction;
  readonly mode: ImportMode;
  readonly dryRun: boolean;
  /** The target tenant. */
  readonly tenant: string;
  /** The tenant the bundle was exported from. */
  readonly sourceTenant: string;
  readonly validator: RecordValidator;
  readonly limits: ImportLimits;
  readonly files: AttachmentFiles;
  /** Whether the bundle may write platform-owned fields and categories. */
  readonly trusted: boolean;
  /** Id index of every category of the bundle (old key → the key written), filled by the scan. */
  readonly indexes: Map<string, IdIndex>;
  readonly counts: Record<string, number>;
  readonly progress: (phase: ImportProgress['phase'], category: string, rows: number) => void;
  readonly signal: AbortSignal | undefined;
}

/** One record of a data file. */
export interface LineRecord {
  readonly line: number;
  readonly record: Record<string, unknown>;
}

/**
 * Streams the records of one category, line by line. With `validate`, each
 * is checked against the category's JSON Schema; the pass that writes reads
 * records the scan already validated.
 */
export async function* readRecords(
  run: ImportRun,
  plan: CategoryPlan,
  validate: boolean,
): AsyncGenerator<LineRecord> {
  const input = await run.archive.read(plan.path);
  try {
    for await (const { number, text } of jsonlLines(input, plan.path, run.limits.maxLineBytes)) {
      run.signal?.throwIfAborted();
      const record = validate
        ? run.validator.parse(plan.category, plan.path, number, text)
        : parseRecord(plan.path, number, text, plan.category);
      yield { line: number, record };
    }
  } finally {
    input.destroy();
  }
}

/** A refusal naming the line and field of a record. */
export function recordRefusal(
  code: 'schema_violation' | 'reference_unresolved',
  plan: CategoryPlan,
  line: number,
  detail: string,
): ImportRefusal {
  return new ImportRefusal(code, `${plan.path} line ${line} ("${plan.category.name}"): ${detail}`);
}
