import type { CatalogField, Category, IncludedCategory, NewKeyRule } from './types.js';
import type { YamlReader } from './yaml-reader.js';

/**
 * Rules that span fields and categories: unique names, references to known
 * categories with keys of the right width, exactly one account category,
 * a new-key rule for every primary-key field `remap` must renumber, and no
 * cycle of references that an import could not write. Records every issue on
 * `r`; returns the categories with their key rules completed, and the account.
 */
export function checkCatalogRules(
  r: YamlReader,
  read: readonly Category[],
): { categories: Category[]; account: IncludedCategory | null } {
  checkNames(r, read);
  checkReferences(r, read);
  const categories = read.map((c, i) => (c.included ? completeNewKeys(r, c, i) : c));
  checkCycles(r, categories);
  return { categories, account: findAccount(r, categories) };
}

function checkNames(r: YamlReader, categories: readonly Category[]): void {
  const seen = new Map<string, number>();
  categories.forEach((category, i) => {
    const first = seen.get(category.name);
    if (first !== undefined) {
      r.fail(['categories', i, 'name'], `duplicates the name of categories[${first}]`);
    } else seen.set(category.name, i);
    if (!category.included) return;
    const names = new Set<string>();
    category.fields.forEach((f, k) => {
      if (names.has(f.name)) {
        r.fail(['categories', i, 'fields', k, 'name'], `duplicates field "${f.name}"`);
      }
      names.add(f.name);
    });
    category.excludedFields.forEach((f, k) => {
      if (names.has(f.name)) {
        r.fail(
          ['categories', i, 'excluded_fields', k, 'name'],
          `"${f.name}" is also an exported field`,
        );
      }
      names.add(f.name);
    });
  });
}

function checkReferences(r: YamlReader, categories: readonly Category[]): void {
  categories.forEach((category, i) => {
    if (!category.included) return;
    category.references.forEach((ref, k) => {
      const at = ['categories', i, 'references', k, 'category'];
      if (ref.category === '') return;
      const target = categories.find((c) => c.name === ref.category);
      if (target === undefined) {
        r.fail(at, `names unknown category "${ref.category}"`);
      } else if (!target.included) {
        r.fail(at, `names "${ref.category}", which is excluded from exports`);
      } else if (target.primaryKey.length !== ref.fields.length) {
        r.fail(
          ['categories', i, 'references', k],
          `has ${ref.fields.length} field(s) but "${ref.category}" has a primary key of ${target.primaryKey.length} (${target.primaryKey.join(', ')})`,
        );
      }
    });
  });
}

/**
 * Completes the new-key rule of each primary-key field: a reference is
 * rewritten through what it points at, the tenant column becomes the target
 * tenant, integers and UUIDs get new values of their type; a text key must say
 * how (`new_key: uuid` or `keep`), since no rule fits every text key.
 */
function completeNewKeys(r: YamlReader, category: IncludedCategory, i: number): IncludedCategory {
  const referenced = new Set(category.references.flatMap((ref) => ref.fields));
  const tenantColumn =
    category.source.kind === 'table' && category.source.through.length === 0
      ? category.source.tenantColumn
      : null;
  const fields = category.fields.map((field, k): CatalogField => {
    if (!category.primaryKey.includes(field.name) || field.newKey !== null) return field;
    let rule: NewKeyRule | null = null;
    if (referenced.has(field.name)) rule = null;
    else if (field.name === tenantColumn) rule = { kind: 'tenant' };
    else if (field.type === 'integer' || field.type === 'bigint') rule = { kind: 'sequence' };
    else if (field.type === 'uuid') rule = { kind: 'uuid' };
    else {
      r.fail(
        ['categories', i, 'fields', k],
        `primary-key field "${field.name}" (${field.type}) needs new_key: "uuid" (a new random UUID on remap) or "keep" (the same value, when it is unique within a tenant)`,
      );
    }
    return rule === null ? field : { ...field, newKey: rule };
  });
  return { ...category, fields };
}

function findAccount(r: YamlReader, categories: readonly Category[]): IncludedCategory | null {
  const marked = categories.flatMap((c, i) => (c.included && c.account !== null ? [{ c, i }] : []));
  if (marked.length === 0) {
    r.fail(
      ['categories'],
      'one included category must be the account (its rows are the tenants): add `account: { display_field: <field> }` to it',
    );
    return null;
  }
  for (const extra of marked.slice(1)) {
    r.fail(
      ['categories', extra.i, 'account'],
      `only one category can be the account; "${marked[0]!.c.name}" already is`,
    );
  }
  const { c: account, i } = marked[0]!;
  const source = account.source;
  if (
    source.kind !== 'table' ||
    source.through.length > 0 ||
    account.primaryKey.length !== 1 ||
    account.primaryKey[0] !== source.tenantColumn
  ) {
    r.fail(
      ['categories', i, 'source'],
      'the account category reads a table whose primary key is its tenant column (one row per tenant)',
    );
  }
  return account;
}

/**
 * Refuses references that no import order can satisfy: a cycle of references
 * (a category pointing at itself included) none of which may be null, so that
 * no row of the cycle could be written before the row it points at.
 */
function checkCycles(r: YamlReader, categories: readonly Category[]): void {
  const edges = new Map<string, string[]>();
  for (const c of categories) {
    if (!c.included) continue;
    const required = c.references.filter((ref) =>
      ref.fields.every((name) => c.fields.find((f) => f.name === name)?.nullable === false),
    );
    edges.set(
      c.name,
      required.map((ref) => ref.category),
    );
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'open');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of edges.keys()) {
    const cycle = visit(name);
    if (cycle !== null) {
      const i = categories.findIndex((c) => c.name === cycle[0]);
      r.fail(
        ['categories', i, 'references'],
        `references form a cycle with no nullable reference (${cycle.join(' → ')}): an import could not write its rows; make one of them nullable`,
      );
      return;
    }
  }
}
