import type { IncludedCategory } from '../catalog/index.js';
import { ImportRefusal } from './import-error.js';

/**
 * Orders categories so that each comes after the categories it references
 * (a reference to itself, like a sub-task's parent, does not count; a
 * reference to a category outside `categories` neither). Among categories free
 * to go, catalog order is kept.
 *
 * @throws {@link ImportRefusal} `catalog_invalid` naming the categories of a cycle.
 */
export function importOrder<T extends { readonly category: IncludedCategory }>(
  categories: readonly T[],
): T[] {
  const byName = new Map(categories.map((c) => [c.category.name, c]));
  const pending = new Map(
    categories.map((c) => [
      c.category.name,
      new Set(
        c.category.references
          .map((r) => r.category)
          .filter((name) => name !== c.category.name && byName.has(name)),
      ),
    ]),
  );
  const ordered: T[] = [];
  while (pending.size > 0) {
    const ready = [...pending].find(([, needs]) => needs.size === 0)?.[0];
    if (ready === undefined) {
      throw new ImportRefusal(
        'catalog_invalid',
        `The catalog's references form a cycle among ${[...pending.keys()].join(', ')}: ` +
          'no order inserts each category after the ones it references.',
      );
    }
    pending.delete(ready);
    for (const needs of pending.values()) needs.delete(ready);
    ordered.push(byName.get(ready)!);
  }
  return ordered;
}
