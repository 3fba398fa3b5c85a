import type { IncludedCategory } from '../catalog/index.js';
import type { JsonValue } from '../formats/index.js';
import { keyText } from './import-plan.js';
import type { ImportRun } from './import-run.js';
import type { ImportColumn } from './platform-writer.js';

/**
 * Resolves a reference (the referenced category's primary key, one value per
 * key field) to the key to write: through the referenced category's id index
 * when the bundle holds that category (the new key in `remap` mode), otherwise
 * by looking the key up among the target tenant's own rows (a bundle of a few
 * categories can point at records the target already holds). A row of another
 * tenant is never found: a reference to it is unresolved, like one to nothing.
 */
export class ReferenceResolver {
  private readonly outside = new Map<
    string,
    { category: IncludedCategory; key: ImportColumn[]; known: Set<string> }
  >();

  constructor(private readonly run: ImportRun) {}

  /** The key to write, or undefined when the reference points nowhere the caller may point. */
  async resolve(
    category: string,
    key: readonly JsonValue[],
  ): Promise<readonly JsonValue[] | undefined> {
    const index = this.run.indexes.get(category);
    if (index !== undefined) return index.resolve(key);
    const target = this.targetOf(category);
    if (target === null) return undefined;
    const text = keyText(key);
    if (target.known.has(text)) return key;
    const found = await this.run.tx.ownKeys(
      target.category.source,
      target.key,
      [key],
      this.run.tenant,
    );
    if (found.length === 0) return undefined;
    target.known.add(text);
    return key;
  }

  private targetOf(name: string) {
    let target = this.outside.get(name);
    if (target === undefined) {
      const category = this.run.catalog.categories.find((c) => c.name === name);
      if (category === undefined || !category.included) return null;
      const key = category.primaryKey.map((k) => ({
        name: k,
        field: category.fields.find((f) => f.name === k) ?? null,
      }));
      target = { category, key, known: new Set() };
      this.outside.set(name, target);
    }
    return target;
  }
}
