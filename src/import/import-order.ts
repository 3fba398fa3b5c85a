import type { CategoryReference, IncludedCategory } from '../catalog/index.js';
import { ImportRefusal } from './import-error.js';

/**
 * Orders categories so that each comes after the categories it references
 * (a reference to itself, like a sub-task's parent, does not count; a
 * reference to a category outside `categories` neither). Among categories free
 * to go, catalog order is kept.
 *
 * A cycle of references is broken at a reference that may be null: the first
 * category of the cycle whose every reference to a category still to come has
 * a nullable field goes first, and those references are returned as
 * `deferred` (indexes into its `references`): its rows are written with them
 * null and filled in once the categories they point at are written.
 *
 * @throws {@link ImportRefusal} `catalog_invalid` naming the categories of a
 * cycle no nullable reference breaks (the catalog loader refuses those).
 */
export function importOrder<T extends { readonly category: IncludedCategory }>(
  categories: readonly T[],
): (T & { readonly deferred: ReadonlySet<number> })[] {
  const byName = new Map(categories.map((c) => [c.category.name, c]));
  const pending = new Map(categories.map((c) => [c.category.name, c]));
  const ordered: (T & { readonly deferred: ReadonlySet<number> })[] = [];
  const waitingOn = (c: T) =>
    c.category.references.flatMap((reference, i) =>
      reference.category !== c.category.name && pending.has(reference.category)
        ? [{ reference, i }]
        : [],
    );
  while (pending.size > 0) {
    let next = [...pending.values()].find((c) => waitingOn(c).length === 0);
    let deferred = new Set<number>();
    if (next === undefined) {
      next = [...pending.values()].find((c) =>
        waitingOn(c).every(({ reference }) => mayBeNull(c.category, reference)),
      );
      if (next === undefined) {
        throw new ImportRefusal(
          'catalog_invalid',
          `The catalog's references form a cycle among ${[...pending.keys()].join(', ')}, ` +
            'none of them nullable: no order inserts each category after the ones it references.',
        );
      }
      deferred = new Set(waitingOn(next).map(({ i }) => i));
    }
    pending.delete(next.category.name);
    ordered.push({ ...byName.get(next.category.name)!, deferred });
  }
  return ordered;
}

/** Whether a row can be written with the reference null (at least one of its fields is nullable). */
export function mayBeNull(category: IncludedCategory, reference: CategoryReference): boolean {
  return reference.fields.some(
    (name) => category.fields.find((f) => f.name === name)?.nullable === true,
  );
}
