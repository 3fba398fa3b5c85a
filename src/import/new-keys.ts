import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../formats/index.js';
import { ImportRefusal } from './import-error.js';
import type { CategoryPlan, PlannedReference } from './import-plan.js';
import type { ImportRun } from './import-run.js';

/**
 * Gives each primary key of a category the key it is written with, field by
 * field per its rule: the tenant column becomes the target tenant; a field
 * that is a reference follows the referenced category's index; in `remap`
 * mode an integer gets the next value of a block no row of the target holds
 * (reserved from the column's sequence where it has one), a UUID a new
 * random one, a `keep` field its own value. In `preserve` mode every other
 * field keeps its value.
 */
export class NewKeys {
  private constructor(
    private readonly run: ImportRun,
    private readonly plan: CategoryPlan,
    /** Per key field: the last integer handed out, for `sequence` fields in `remap` mode. */
    private readonly counters: (bigint | null)[],
    /** Per key field that is a reference: the reference and the field's place in it. */
    private readonly references: ({ reference: PlannedReference; at: number } | null)[],
  ) {}

  /** Prepares the keys of `plan`, reserving a block of integers for each `sequence` field. */
  static async open(run: ImportRun, plan: CategoryPlan): Promise<NewKeys> {
    const counters: (bigint | null)[] = [];
    for (const [k, rule] of plan.keyRules.entries()) {
      counters.push(
        run.mode === 'remap' && rule.kind === 'sequence' && plan.role === 'rows'
          ? await run.tx.reserveKeys(plan.table, plan.key[k]!.name, plan.rows, !run.dryRun)
          : null,
      );
    }
    const references = plan.key.map(({ name }) => {
      const reference = plan.references.find((r) => r.fields.includes(name));
      return reference === undefined ? null : { reference, at: reference.fields.indexOf(name) };
    });
    return new NewKeys(run, plan, counters, references);
  }

  /** The key the record keyed `key` is written with (aligned with the primary key). */
  written(key: readonly JsonValue[], record: Record<string, unknown>): JsonValue[] {
    return key.map((value, k) => {
      const rule = this.plan.keyRules[k]!;
      if (rule.kind === 'tenant') return this.run.tenant;
      if (rule.kind === 'reference') return this.followed(k, value, record);
      if (this.run.mode !== 'remap' || rule.kind === 'keep') return value;
      if (rule.kind === 'uuid') return randomUUID();
      return this.nextInteger(k);
    });
  }

  private followed(k: number, value: JsonValue, record: Record<string, unknown>): JsonValue {
    const found = this.references[k];
    if (found === null || found === undefined) return value;
    const index = this.run.indexes.get(found.reference.category);
    const resolved = index?.resolve(found.reference.fields.map((f) => record[f] as JsonValue));
    return resolved?.[found.at] ?? value;
  }

  private nextInteger(k: number): JsonValue {
    const next = this.counters[k]! + 1n;
    this.counters[k] = next;
    if (this.plan.key[k]!.field?.type === 'bigint') return String(next);
    if (next > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ImportRefusal(
        'constraint_violation',
        `"${this.plan.category.name}": no new ${this.plan.key[k]!.name} is left below 2^53 − 1 (an integer field).`,
      );
    }
    return Number(next);
  }
}
