import { toError } from '../errors/index.js';
import type { JsonValue } from '../formats/index.js';
import { IdIndex } from './id-index.js';
import { ImportRefusal } from './import-error.js';
import type { CategoryPlan } from './import-plan.js';
import { lineAt, linesAt, readRecords, recordRefusal, type ImportRun } from './import-run.js';
import { OneInFlight } from './one-in-flight.js';
import { ConstraintError, type ImportColumn, type ImportRow } from './platform-writer.js';
import { ReferenceResolver } from './reference-resolver.js';
import { RowFixups } from './row-fixups.js';
import { keysMayCollide } from './scan-pass.js';

/** Rows inserted per call. */
const INSERT_BATCH = 500;

/**
 * The second pass: every category in dependency order, each record's tenant
 * set to the target, its key and references rewritten (remap) or checked
 * (preserve), its excluded fields given their import default, then inserted in
 * batches — or, in a dry run, only counted. A reference to a row written
 * later (a parent after its child, a cycle between categories) is written
 * null and filled in by an update once every row is in. Then every integer
 * key's sequence is moved past the largest key written.
 */
export async function writeRecords(run: ImportRun): Promise<void> {
  const resolver = new ReferenceResolver(run);
  const fixups = new RowFixups();
  let rows = 0;
  for (const plan of run.plans) {
    const onRow = () => run.progress('writing', plan.category.name, ++rows);
    if (plan.role === 'account' && run.mode === 'remap') {
      run.counts[plan.category.name] = 0;
      continue;
    }
    run.counts[plan.category.name] =
      plan.role === 'rows'
        ? await writeRows(run, plan, resolver, fixups, onRow)
        : await writeTenantKeyed(run, plan, resolver, fixups, onRow);
  }
  if (run.dryRun) return;
  try {
    await fixups.apply(run.tx);
  } catch (error) {
    if (!(error instanceof ConstraintError)) throw error;
    throw new ImportRefusal(
      'constraint_violation',
      `Filling in references written after their rows: the target database refused a change: ${error.message}`,
    );
  }
  for (const plan of run.plans) {
    for (const [k, rule] of plan.keyRules.entries()) {
      if (rule.kind === 'sequence') await run.tx.syncSequence(plan.table, plan.key[k]!.name);
    }
  }
}

/** A record as the row to write, with the fix-ups its references to rows not written yet need. */
async function buildRow(
  run: ImportRun,
  plan: CategoryPlan,
  resolver: ReferenceResolver,
  fixups: RowFixups,
  written: IdIndex | null,
  line: number,
  record: Record<string, unknown>,
): Promise<{ row: JsonValue[]; key: readonly JsonValue[] }> {
  const row: JsonValue[] = plan.fields.map((f) => record[f.name] as JsonValue);
  const oldKey = plan.key.map((c) => record[c.name] as JsonValue);
  const key = run.indexes.get(plan.category.name)?.resolve(oldKey) ?? oldKey;
  const tenantAt = plan.fields.findIndex((f) => f.name === plan.tenantField);
  if (tenantAt >= 0) row[tenantAt] = run.tenant;
  for (const reference of plan.references) {
    const values = reference.fields.map((name) => record[name] as JsonValue);
    if (values.some((v) => v === null || v === undefined)) continue;
    const resolved = await resolver.resolve(reference.category, values);
    if (resolved === undefined) {
      throw recordRefusal(
        'reference_unresolved',
        plan,
        line,
        `/${reference.fields.join(', /')} = ${JSON.stringify(values.length === 1 ? values[0] : values)} names no record of "${reference.category}" in the bundle or the target`,
      );
    }
    const later =
      reference.deferred || (reference.category === plan.category.name && !written?.has(values));
    if (later && reference.nullable.length > 0) {
      for (const k of reference.nullable) row[reference.at[k]!] = null;
      fixups.add(
        plan,
        reference.nullable.map((k) => plan.columns[reference.at[k]!]!),
        reference.nullable.map((k) => resolved[k]!),
        key,
      );
      reference.at.forEach((at, k) => {
        if (!reference.nullable.includes(k) && at >= 0) row[at] = resolved[k]!;
      });
    } else {
      reference.at.forEach((at, k) => {
        if (at >= 0) row[at] = resolved[k]!;
      });
    }
  }
  plan.keyAt.forEach((at, k) => {
    if (at >= 0) row[at] = key[k]!;
  });
  return { row, key };
}

async function writeRows(
  run: ImportRun,
  plan: CategoryPlan,
  resolver: ReferenceResolver,
  fixups: RowFixups,
  onRow: () => void,
): Promise<number> {
  const { category } = plan;
  const selfReferencing = plan.references.some((r) => r.category === category.name);
  const written = selfReferencing ? new IdIndex() : null;
  const mayCollide = keysMayCollide(run, plan) && !run.dryRun;
  // Where the insert itself tells a key held already, it is not looked up first.
  const checkKeys = mayCollide && !run.tx.tellsTakenKeys;
  const constants = plan.constants.map((c) => c.value);
  const files = category.files;
  const pathAt = files === null ? -1 : plan.fields.findIndex((f) => f.name === files.pathField);
  let batch: ImportRow[] = [];
  let keys: ImportRow[] = [];
  let firstLine = 1;
  let count = 0;
  // The database writes one batch while the next is built.
  const inserting = new OneInFlight();
  const flush = async (lastLine: number) => {
    if (batch.length > 0 && !run.dryRun) {
      // The lookup queues behind the batch in flight on the same connection;
      // should that batch have failed, start() rejects with its refusal first.
      if (checkKeys) await refuseUnavailable(run, plan, keys);
      const [rows, first, last] = [batch, firstLine, lastLine];
      await inserting.start(() => insert(run, plan, rows, first, last, mayCollide));
    }
    batch = [];
    keys = [];
    firstLine = lastLine + 1;
  };
  try {
    for await (const { line, record } of readRecords(run, plan, false)) {
      const { row, key } = await buildRow(run, plan, resolver, fixups, written, line, record);
      row.push(...constants);
      batch.push(row);
      if (checkKeys) keys.push(key);
      if (written !== null) {
        const bundleKey = plan.key.map((c) => record[c.name] as JsonValue);
        written.add(bundleKey, bundleKey);
      }
      const path = pathAt < 0 ? null : row[pathAt];
      if (files !== null && typeof path === 'string') {
        // The file goes into the target tenant's folder, and the record says where.
        row[pathAt] = await run.files.stage(files, path, lineAt(plan, line));
      }
      count++;
      onRow();
      if (batch.length >= INSERT_BATCH) await flush(line);
    }
    await flush(count);
    await inserting.settle();
  } catch (error) {
    throw await inserting.failure(error);
  }
  return count;
}

/**
 * Keys another tenant holds (the target tenant's own were refused as
 * conflicts by the scan): the import fails without naming them, since the
 * caller may not learn what other tenants hold.
 */
async function refuseUnavailable(
  run: ImportRun,
  plan: CategoryPlan,
  keys: readonly ImportRow[],
): Promise<void> {
  const taken = await run.tx.existingKeys(plan.table, plan.key, keys);
  if (taken.length > 0) {
    throw keysUnavailable(plan);
  }
}

function keysUnavailable(plan: CategoryPlan): ImportRefusal {
  return new ImportRefusal(
    'id_unavailable',
    `Some records of "${plan.category.name}" have keys this platform already uses; use mode "remap" to import them as new records.`,
  );
}

/**
 * The row of a category keyed by the tenant (the account, or a per-tenant
 * singleton such as workspace settings), written for the target tenant:
 * updated when the target holds it (only in the fields the bundle may write:
 * excluded fields keep their value), inserted otherwise.
 */
async function writeTenantKeyed(
  run: ImportRun,
  plan: CategoryPlan,
  resolver: ReferenceResolver,
  fixups: RowFixups,
  onRow: () => void,
): Promise<number> {
  let count = 0;
  const constants = plan.constants.map((c) => c.value);
  const keyed = new Set(plan.key.map((c) => c.name));
  const updated = plan.fields.flatMap((f, i) => (keyed.has(f.name) ? [] : [i]));
  for await (const { line, record } of readRecords(run, plan, false)) {
    const { row, key } = await buildRow(run, plan, resolver, fixups, null, line, record);
    if (!run.dryRun) {
      const columns: ImportColumn[] = updated.map((i) => plan.columns[i]!);
      const changed =
        columns.length === 0
          ? (await run.tx.ownKeys(plan.source, plan.key, [key], run.tenant)).length
          : await guarded(plan, line, () =>
              run.tx.update(
                plan.table,
                columns,
                updated.map((i) => row[i]!),
                plan.key,
                key,
              ),
            );
      if (changed === 0) await insert(run, plan, [[...row, ...constants]], line, line);
    }
    count++;
    onRow();
  }
  return count;
}

/**
 * Inserts rows. With `mayCollide`, a key the target holds already (another
 * tenant's: the scan refused the target tenant's own) fails the import with
 * `id_unavailable`, naming no key.
 */
async function insert(
  run: ImportRun,
  plan: CategoryPlan,
  rows: readonly ImportRow[],
  firstLine: number,
  lastLine: number,
  mayCollide = false,
): Promise<void> {
  run.signal?.throwIfAborted();
  try {
    await run.tx.insert(plan.table, plan.columns, rows);
  } catch (error) {
    if (mayCollide && error instanceof ConstraintError && error.keyTaken) {
      throw keysUnavailable(plan);
    }
    throw constraintRefusal(plan, firstLine, lastLine, error);
  }
}

async function guarded<T>(
  plan: CategoryPlan,
  firstLine: number,
  work: () => Promise<T>,
  lastLine = firstLine,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw constraintRefusal(plan, firstLine, lastLine, error);
  }
}

/** A {@link ConstraintError} as the refusal naming the lines at fault; any other error as it is. */
function constraintRefusal(
  plan: CategoryPlan,
  firstLine: number,
  lastLine: number,
  error: unknown,
): unknown {
  if (!(error instanceof ConstraintError)) return error;
  // The row itself where the database names it; otherwise the batch it was in.
  const where =
    error.row === null || firstLine + error.row > lastLine
      ? linesAt(plan, firstLine, lastLine)
      : lineAt(plan, firstLine + error.row);
  return new ImportRefusal(
    'constraint_violation',
    `${where} ("${plan.category.name}"): the target database refused a row: ${toError(error).message}`,
  );
}
