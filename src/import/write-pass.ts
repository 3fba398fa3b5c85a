import { toError } from '../errors/index.js';
import type { JsonValue } from '../formats/index.js';
import { ImportRefusal } from './import-error.js';
import type { CategoryPlan } from './import-plan.js';
import { readRecords, recordRefusal, type ImportRun } from './import-run.js';
import { ConstraintError, type ImportRow } from './platform-writer.js';
import { ReferenceResolver } from './reference-resolver.js';

/** Rows inserted per call. */
const INSERT_BATCH = 500;

/**
 * The second pass: every category in dependency order, each record's tenant
 * set to the target, its key and references rewritten (remap) or checked
 * (preserve), its excluded fields given their import default, then inserted in
 * batches — or, in a dry run, only counted.
 */
export async function writeRecords(run: ImportRun): Promise<void> {
  const resolver = new ReferenceResolver(run);
  let rows = 0;
  for (const plan of run.plans) {
    const onRow = () => run.progress('writing', plan.category.name, ++rows);
    run.counts[plan.category.name] = plan.tenantRow
      ? await writeTenantRow(run, plan, onRow)
      : await writeCategory(run, plan, resolver, onRow);
  }
}

async function writeCategory(
  run: ImportRun,
  plan: CategoryPlan,
  resolver: ReferenceResolver,
  onRow: () => void,
): Promise<number> {
  const { category } = plan;
  const index = run.indexes.get(category.name);
  const keyAt = plan.remappedKey === null ? -1 : category.fields.indexOf(plan.remappedKey);
  const tenantAt = category.fields.findIndex((f) => f.name === plan.tenantField);
  const references = category.references.map((r) => ({
    ...r,
    field: r.fields[0]!,
    at: category.fields.findIndex((f) => f.name === r.fields[0]),
  }));
  const files = category.files;
  const pathAt = files === null ? -1 : category.fields.findIndex((f) => f.name === files.pathField);
  let batch: ImportRow[] = [];
  let firstLine = 1;
  let count = 0;
  const flush = async (lastLine: number) => {
    if (batch.length > 0 && !run.dryRun) await insert(run, plan, batch, firstLine, lastLine);
    batch = [];
    firstLine = lastLine + 1;
  };
  for await (const { line, record } of readRecords(run, plan, false)) {
    const row: JsonValue[] = category.fields.map((f) => record[f.name] as JsonValue);
    if (tenantAt >= 0) row[tenantAt] = run.tenant;
    if (index !== undefined && keyAt >= 0) row[keyAt] = index.resolve(row[keyAt] as number) ?? null;
    for (const reference of references) {
      const value = row[reference.at];
      if (value === null || value === undefined) continue;
      const resolved = await resolver.resolve(reference.category, value);
      if (resolved === undefined) {
        throw recordRefusal(
          'reference_unresolved',
          plan,
          line,
          `/${reference.field} = ${JSON.stringify(value)} names no record of "${reference.category}" in the bundle or the target`,
        );
      }
      row[reference.at] = resolved;
    }
    row.push(...plan.defaults);
    batch.push(row);
    const path = row[pathAt];
    if (files !== null && typeof path === 'string') {
      // The file goes into the target tenant's folder, and the record says where.
      row[pathAt] = await run.files.stage(files, path, `${plan.path} line ${line}`);
    }
    count++;
    onRow();
    if (batch.length >= INSERT_BATCH) await flush(line);
  }
  await flush(count);
  return count;
}

/** The tenant's own row: updated in `preserve` mode (inserted if the target lacks it), left alone in `remap`. */
async function writeTenantRow(
  run: ImportRun,
  plan: CategoryPlan,
  onRow: () => void,
): Promise<number> {
  if (run.mode === 'remap') return 0;
  const key = plan.key[0]!;
  let count = 0;
  for await (const { record } of readRecords(run, plan, false)) {
    const columns = plan.columns.filter((c) => c.name !== key.name);
    const values = [
      ...plan.category.fields
        .filter((f) => f.name !== key.name)
        .map((f) => record[f.name] as JsonValue),
      ...plan.defaults,
    ];
    if (!run.dryRun) {
      const changed = await run.tx.update(plan.table, columns, values, key, run.tenant);
      if (changed === 0) {
        await insert(run, plan, [[run.tenant, ...values]], 1, 1, [key, ...columns]);
      }
    }
    count++;
    onRow();
  }
  return count;
}

async function insert(
  run: ImportRun,
  plan: CategoryPlan,
  rows: readonly ImportRow[],
  firstLine: number,
  lastLine: number,
  columns = plan.columns,
): Promise<void> {
  run.signal?.throwIfAborted();
  try {
    await run.tx.insert(plan.table, columns, rows);
  } catch (error) {
    if (!(error instanceof ConstraintError)) throw error;
    throw new ImportRefusal(
      'constraint_violation',
      `${plan.path} lines ${firstLine}–${lastLine} ("${plan.category.name}"): the target database refused a row: ${toError(error).message}`,
    );
  }
}
