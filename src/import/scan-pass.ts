import type { JsonValue } from '../formats/index.js';
import { ConflictCollector } from './conflict-collector.js';
import { IdIndex } from './id-index.js';
import type { ImportConflict } from './import-error.js';
import type { CategoryPlan } from './import-plan.js';
import { readRecords, recordRefusal, type ImportRun } from './import-run.js';

/**
 * The first pass over every category, writing nothing: each record against
 * its schema and the bundle's tenant, each primary key unique, each file
 * present, and in `preserve` mode each key absent from the target. Fills the
 * id index of every category with a single integer key (allocating the new
 * ids in `remap` mode) and returns the conflicts found.
 */
export async function scanRecords(run: ImportRun): Promise<ImportConflict[]> {
  const conflicts: ImportConflict[] = [];
  let rows = 0;
  for (const plan of run.plans) {
    const found = await scanCategory(run, plan, () =>
      run.progress('scanning', plan.category.name, ++rows),
    );
    if (found !== null) conflicts.push(found);
  }
  return conflicts;
}

async function scanCategory(
  run: ImportRun,
  plan: CategoryPlan,
  onRow: () => void,
): Promise<ImportConflict | null> {
  const { category } = plan;
  const keyField = plan.tenantRow ? null : plan.remappedKey;
  const remap = run.mode === 'remap';
  const index =
    keyField === null
      ? null
      : new IdIndex(remap, remap ? await run.tx.maxKey(plan.table, keyField.name) : 0n);
  const seen = index === null ? new Set<string>() : null;
  const collector =
    run.mode === 'preserve' && !plan.tenantRow
      ? new ConflictCollector(run.tx, category.name, plan.table, plan.key)
      : null;
  const files = category.files;
  let count = 0;
  for await (const { line, record } of readRecords(run, plan, true)) {
    count++;
    if (plan.tenantField !== null && record[plan.tenantField] !== run.sourceTenant) {
      throw recordRefusal(
        'schema_violation',
        plan,
        line,
        `/${plan.tenantField} is ${JSON.stringify(record[plan.tenantField])}, but the bundle is from "${run.sourceTenant}"`,
      );
    }
    const key = plan.key.map((c) => record[c.name] as JsonValue);
    const fresh = index !== null ? index.add(key[0] as number) : !seen!.has(JSON.stringify(key));
    if (!fresh) {
      throw recordRefusal(
        'schema_violation',
        plan,
        line,
        `primary key ${JSON.stringify(key)} appears twice`,
      );
    }
    if (seen !== null && !plan.tenantRow) seen.add(JSON.stringify(key));
    await collector?.add(key);
    const path = files === null ? null : record[files.pathField];
    if (files !== null && typeof path === 'string') {
      await run.files.check(files, path, `${plan.path} line ${line}`);
    }
    onRow();
  }
  if (count !== plan.rows) {
    throw recordRefusal(
      'schema_violation',
      plan,
      count,
      `the file holds ${count} records; bundle.json announces ${plan.rows}`,
    );
  }
  if (plan.tenantRow && count > 1) {
    throw recordRefusal('schema_violation', plan, 2, "the tenant's own category holds one record");
  }
  if (index !== null) run.indexes.set(category.name, index);
  run.counts[category.name] = plan.tenantRow && run.mode === 'remap' ? 0 : count;
  return (await collector?.finish()) ?? null;
}
