import type { JsonValue } from '../formats/index.js';
import { planCategory, type CategoryPlan } from './import-plan.js';
import type { ImportRun } from './import-run.js';
import type { ImportColumn } from './platform-writer.js';

/**
 * Resolves a reference to the value to write: through the referenced
 * category's id index when the bundle holds that category (the new id in
 * `remap` mode, the same id in `preserve` mode), otherwise by looking the key
 * up among the target tenant's own rows (a bundle of a few categories can
 * point at records the target already holds).
 */
export class ReferenceResolver {
  private readonly outside = new Map<string, { plan: CategoryPlan; known: Set<string> }>();

  constructor(private readonly run: ImportRun) {}

  /** The value to write, or undefined when the reference points nowhere. */
  async resolve(category: string, value: JsonValue): Promise<JsonValue | undefined> {
    const index = this.run.indexes.get(category);
    if (index !== undefined) return typeof value === 'number' ? index.resolve(value) : undefined;
    const target = this.targetOf(category);
    if (target === null) return undefined;
    const text = JSON.stringify(value);
    if (target.known.has(text)) return value;
    const { plan } = target;
    const columns: ImportColumn[] = [...plan.key];
    const key: JsonValue[] = [value];
    if (plan.tenantField !== null && !plan.tenantRow) {
      columns.push({ name: plan.tenantField, field: null });
      key.push(this.run.tenant);
    }
    const found = await this.run.tx.existingKeys(plan.table, columns, [key]);
    if (found.length === 0) return undefined;
    target.known.add(text);
    return value;
  }

  private targetOf(name: string): { plan: CategoryPlan; known: Set<string> } | null {
    let target = this.outside.get(name);
    if (target === undefined) {
      const category = this.run.catalog.categories.find((c) => c.name === name);
      if (category === undefined || !category.included || category.primaryKey.length !== 1) {
        return null;
      }
      target = { plan: planCategory({ category, path: '', rows: 0 }), known: new Set() };
      this.outside.set(name, target);
    }
    return target;
  }
}
