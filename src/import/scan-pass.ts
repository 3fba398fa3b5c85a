import type { JsonValue } from '../formats/index.js';
import { ConflictCollector } from './conflict-collector.js';
import { IdIndex } from './id-index.js';
import type { ImportConflict } from './import-error.js';
import type { CategoryPlan } from './import-plan.js';
import { lineAt, readRecords, recordRefusal, type ImportRun } from './import-run.js';
import { NewKeys } from './new-keys.js';

/** What the scan found: the conflicts named (the first of each category), and how many per category. */
export interface ScanResult {
  readonly conflicts: ImportConflict[];
  readonly counts: Record<string, number>;
}

/**
 * The first pass over every category (in the order they are written),
 * writing nothing: each record against its schema and the bundle's tenant,
 * each primary key unique, each file present. Fills the id index of every
 * category (old key → the key written, new in `remap` mode) and finds the
 * keys the target tenant already holds (conflicts), among its own rows only.
 */
export async function scanRecords(run: ImportRun): Promise<ScanResult> {
  const result: ScanResult = { conflicts: [], counts: {} };
  let rows = 0;
  for (const plan of run.plans) {
    const found = await scanCategory(run, plan, () =>
      run.progress('scanning', plan.category.name, ++rows),
    );
    if (found.count > 0) {
      result.conflicts.push(...found.named);
      result.counts[plan.category.name] = found.count;
    }
  }
  return result;
}

/**
 * Whether a key written into `plan` may already be held in the target: an
 * ordinary row whose key keeps values of the bundle (every key in `preserve`
 * mode; in `remap`, one with no newly made field).
 */
export function keysMayCollide(run: ImportRun, plan: CategoryPlan): boolean {
  if (plan.role !== 'rows') return false;
  return (
    run.mode === 'preserve' ||
    plan.keyRules.every((rule) => rule.kind !== 'sequence' && rule.kind !== 'uuid')
  );
}

async function scanCategory(
  run: ImportRun,
  plan: CategoryPlan,
  onRow: () => void,
): Promise<{ named: ImportConflict[]; count: number }> {
  const { category } = plan;
  const index = new IdIndex();
  const newKeys = await NewKeys.open(run, plan);
  const collector = keysMayCollide(run, plan)
    ? new ConflictCollector(run.tx, category.name, plan.source, plan.key, run.tenant)
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
    const written = newKeys.written(key, record);
    if (!index.add(key, written)) {
      throw recordRefusal(
        'schema_violation',
        plan,
        line,
        `primary key ${JSON.stringify(key)} appears twice`,
      );
    }
    await collector?.add(written);
    const path = files === null ? null : record[files.pathField];
    if (files !== null && typeof path === 'string') {
      await run.files.check(files, path, lineAt(plan, line));
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
  if (plan.role !== 'rows' && count > 1) {
    throw recordRefusal(
      'schema_violation',
      plan,
      2,
      'a category keyed by the tenant holds one record per tenant',
    );
  }
  run.indexes.set(category.name, index);
  run.counts[category.name] = plan.role === 'account' && run.mode === 'remap' ? 0 : count;
  return (await collector?.finish()) ?? { named: [], count: 0 };
}
