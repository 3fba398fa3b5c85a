import type { Catalog } from './types.js';

/** The placeholder a draft catalog leaves where only a person can say why. */
export const TODO_REASON = 'TODO';

/**
 * Every reason of the catalog that is still exactly `TODO` (an excluded
 * category or field, an ignored table, a computed field), and every
 * description still `TODO`, named the way a reader of the file finds it.
 * `portage check` refuses a catalog that has one.
 */
export function todoReasons(catalog: Catalog): string[] {
  const found: string[] = [];
  const todo = (reason: string | null) => reason?.trim() === TODO_REASON;
  if (todo(catalog.platform.description)) found.push('platform: description');
  for (const t of catalog.ignoredTables) {
    if (todo(t.reason)) found.push(`ignored_tables: ${t.table}`);
  }
  for (const c of catalog.categories) {
    if (todo(c.description)) found.push(`category ${c.name}: description`);
    if (!c.included) {
      if (todo(c.reason)) found.push(`category ${c.name}: excluded.reason`);
      continue;
    }
    for (const f of c.excludedFields) {
      if (todo(f.reason)) found.push(`category ${c.name}: excluded field ${f.name}`);
    }
    for (const f of c.fields) {
      if (todo(f.description)) found.push(`category ${c.name}: field ${f.name}: description`);
      if (todo(f.computed)) found.push(`category ${c.name}: computed field ${f.name}`);
    }
  }
  return found;
}
