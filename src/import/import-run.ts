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
 * Streams the records of one category, line by line, through its parts in
 * order when it is split; `line` counts from 1 across the parts
 * ({@link lineAt} names the part). With `validate`, each record is checked
 * against the category's JSON Schema; the pass that writes reads records the
 * scan already validated.
 *
 * @throws {@link ImportRefusal} `schema_violation` for a part that holds
 * another number of records than `bundle.json` announces for it.
 */
export async function* readRecords(
  run: ImportRun,
  plan: CategoryPlan,
  validate: boolean,
): AsyncGenerator<LineRecord> {
  let before = 0;
  for (const file of plan.files) {
    const input = await run.archive.read(file.path);
    let lines = 0;
    try {
      for await (const { number, text } of jsonlLines(input, file.path, run.limits.maxLineBytes)) {
        run.signal?.throwIfAborted();
        const record = validate
          ? run.validator.parse(plan.category, file.path, number, text)
          : parseRecord(file.path, number, text, plan.category);
        lines = number;
        yield { line: before + number, record };
      }
    } finally {
      input.destroy();
    }
    if (plan.files.length > 1 && lines !== file.rows) {
      throw new ImportRefusal(
        'schema_violation',
        `${file.path} ("${plan.category.name}"): the file holds ${lines} records; bundle.json announces ${file.rows}`,
      );
    }
    before += lines;
  }
}

/** Where line `line` of a category (counted across its parts) is: `data/<category>.jsonl line 7`. */
export function lineAt(plan: CategoryPlan, line: number): string {
  let first = 1;
  for (const file of plan.files) {
    if (line < first + file.rows) return `${file.path} line ${line - first + 1}`;
    first += file.rows;
  }
  return `${plan.path} line ${line}`;
}

/** Where lines `first` to `last` of a category are, as {@link lineAt} names them. */
export function linesAt(plan: CategoryPlan, first: number, last: number): string {
  if (first === last) return lineAt(plan, first);
  const from = lineAt(plan, first);
  const to = lineAt(plan, last);
  const [fromPath] = from.split(' line ');
  const [toPath, toLine] = to.split(' line ');
  return fromPath === toPath
    ? `${from.replace(' line ', ' lines ')}–${toLine}`
    : `${from} to ${to}`;
}

/** A refusal naming the line and field of a record. */
export function recordRefusal(
  code: 'schema_violation' | 'reference_unresolved',
  plan: CategoryPlan,
  line: number,
  detail: string,
): ImportRefusal {
  return new ImportRefusal(code, `${lineAt(plan, line)} ("${plan.category.name}"): ${detail}`);
}
