import type { JsonValue } from '../formats/index.js';
import type { CategoryPlan } from './import-plan.js';
import type { ImportColumn, PlatformTransaction } from './platform-writer.js';

interface Fixup {
  readonly plan: CategoryPlan;
  readonly columns: readonly ImportColumn[];
  readonly values: readonly JsonValue[];
  readonly key: readonly JsonValue[];
}

/**
 * References written null because the row they point at was not written yet
 * (a parent after its child, the nullable side of a cycle between
 * categories), filled in by an update once every row is in. Holds the key and
 * the reference of each such row only.
 */
export class RowFixups {
  private readonly pending: Fixup[] = [];

  /** Sets `columns` of the row of `plan` keyed `key` to `values`, later. */
  add(
    plan: CategoryPlan,
    columns: readonly ImportColumn[],
    values: readonly JsonValue[],
    key: readonly JsonValue[],
  ): void {
    this.pending.push({ plan, columns, values, key });
  }

  get size(): number {
    return this.pending.length;
  }

  /** Writes every pending reference. */
  async apply(tx: PlatformTransaction): Promise<void> {
    for (const { plan, columns, values, key } of this.pending) {
      await tx.update(plan.table, columns, values, plan.key, key);
    }
    this.pending.length = 0;
  }
}
