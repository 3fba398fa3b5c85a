import { readFileSync } from 'node:fs';
import { CatalogError } from './catalog-error.js';
import {
  FIELD_TYPES,
  type Catalog,
  type Category,
  type CatalogField,
  type CategoryReference,
  type CategorySource,
  type ExcludedField,
  type FieldType,
} from './types.js';
import { YamlReader } from './yaml-reader.js';

const NAME = /^[a-z][a-z0-9_]*$/;
const CATEGORY_KEYS = [
  'name',
  'title',
  'description',
  'source',
  'primary_key',
  'fields',
  'excluded_fields',
  'references',
  'tabular',
  'files',
  'excluded',
];

/** Reads and validates a catalog file; throws {@link CatalogError} listing every issue. */
export function loadCatalogFile(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CatalogError([
      { file, line: 1, field: '(file)', message: `cannot be read: ${reason}` },
    ]);
  }
  return parseCatalog(file, text);
}

/** Parses and validates catalog YAML text; `file` names it in messages. */
export function parseCatalog(file: string, text: string): Catalog {
  const r = new YamlReader(file, text);
  if (r.issues.length > 0) throw new CatalogError(r.issues);
  r.rejectUnknownKeys([], ['version', 'platform', 'ignored_tables', 'categories']);

  const version = r.string(['version']);
  const platform = {
    name: r.string(['platform', 'name']),
    description: r.string(['platform', 'description']),
  };
  const ignoredTables = Array.from({ length: r.length(['ignored_tables'], false) }, (_, i) => ({
    table: r.string(['ignored_tables', i, 'table']),
    reason: r.string(['ignored_tables', i, 'reason']),
  }));

  const categories: Category[] = [];
  const count = r.length(['categories'], true);
  for (let i = 0; i < count; i++) categories.push(readCategory(r, i));

  checkNames(r, categories);
  if (r.issues.length > 0) throw new CatalogError(r.issues);
  return { version, platform, ignoredTables, categories, file };
}

function readCategory(r: YamlReader, i: number): Category {
  const at = ['categories', i];
  r.rejectUnknownKeys(at, CATEGORY_KEYS);
  const name = r.string([...at, 'name']);
  if (name !== '' && !NAME.test(name)) {
    r.fail(
      [...at, 'name'],
      'must be lowercase letters, digits and underscores, starting with a letter',
    );
  }
  const title = r.string([...at, 'title']);
  const description = r.string([...at, 'description']);

  if (r.has([...at, 'excluded'])) {
    const ex = [...at, 'excluded'];
    if (r.isMapping(ex)) r.rejectUnknownKeys(ex, ['reason', 'tables']);
    for (const key of ['source', 'fields', 'primary_key']) {
      if (r.has([...at, key])) r.fail([...at, key], 'an excluded category has no ' + key);
    }
    return {
      included: false,
      name,
      title,
      description,
      reason: r.string([...ex, 'reason']),
      tables: r.strings([...ex, 'tables'], false),
    };
  }

  const fields = readFields(r, at);
  const excludedFields = readExcludedFields(r, at);
  const primaryKey = r.strings([...at, 'primary_key'], true);
  const fieldNames = new Set(fields.map((f) => f.name));
  primaryKey.forEach((key, k) => {
    if (key !== '' && !fieldNames.has(key)) {
      r.fail([...at, 'primary_key', k], `names "${key}", which is not an exported field`);
    }
  });
  const references: CategoryReference[] = Array.from(
    { length: r.length([...at, 'references'], false) },
    (_, k) => {
      const field = r.string([...at, 'references', k, 'field']);
      if (field !== '' && !fieldNames.has(field)) {
        r.fail(
          [...at, 'references', k, 'field'],
          `names "${field}", which is not an exported field`,
        );
      }
      return { field, category: r.string([...at, 'references', k, 'category']) };
    },
  );
  let files = null;
  if (r.isMapping([...at, 'files'])) {
    r.rejectUnknownKeys([...at, 'files'], ['path_field']);
    const pathField = r.string([...at, 'files', 'path_field']);
    if (pathField !== '' && !fieldNames.has(pathField)) {
      r.fail(
        [...at, 'files', 'path_field'],
        `names "${pathField}", which is not an exported field`,
      );
    }
    files = { pathField };
  }
  return {
    included: true,
    name,
    title,
    description,
    source: readSource(r, at),
    primaryKey,
    fields,
    excludedFields,
    references,
    tabular: r.boolean([...at, 'tabular'], true),
    files,
  };
}

function readSource(r: YamlReader, at: (string | number)[]): CategorySource {
  const path = [...at, 'source'];
  if (!r.has(path)) {
    r.fail(path, 'is required for an included category (or declare `excluded` with a reason)');
    return { kind: 'table', table: '', tenantColumn: '' };
  }
  if (!r.isMapping(path)) return { kind: 'table', table: '', tenantColumn: '' };
  if (r.has([...path, 'query'])) {
    r.rejectUnknownKeys(path, ['query', 'tables']);
    const sql = r.string([...path, 'query']);
    if (sql !== '' && !/:tenant\b/.test(sql)) {
      r.fail([...path, 'query'], 'must select one tenant with the :tenant parameter');
    }
    return { kind: 'query', sql, tables: r.strings([...path, 'tables'], true) };
  }
  r.rejectUnknownKeys(path, ['table', 'tenant_column']);
  return {
    kind: 'table',
    table: r.string([...path, 'table']),
    tenantColumn: r.string([...path, 'tenant_column']),
  };
}

function readFields(r: YamlReader, at: (string | number)[]): CatalogField[] {
  const count = r.length([...at, 'fields'], true);
  return Array.from({ length: count }, (_, k) => {
    const path = [...at, 'fields', k];
    r.rejectUnknownKeys(path, ['name', 'type', 'nullable', 'description']);
    const type = r.string([...path, 'type']);
    if (type !== '' && !(FIELD_TYPES as readonly string[]).includes(type)) {
      r.fail([...path, 'type'], `must be one of ${FIELD_TYPES.join(', ')} (got "${type}")`);
    }
    return {
      name: r.string([...path, 'name']),
      type: type as FieldType,
      nullable: r.boolean([...path, 'nullable'], false),
      description: r.string([...path, 'description']),
    };
  });
}

function readExcludedFields(r: YamlReader, at: (string | number)[]): ExcludedField[] {
  const count = r.length([...at, 'excluded_fields'], false);
  return Array.from({ length: count }, (_, k) => {
    const path = [...at, 'excluded_fields', k];
    r.rejectUnknownKeys(path, ['name', 'reason', 'import_default']);
    return {
      name: r.string([...path, 'name']),
      reason: r.string([...path, 'reason']),
      importDefault: r.scalar([...path, 'import_default']) ?? null,
    };
  });
}

/** Cross-field rules: unique names, references to known categories. */
function checkNames(r: YamlReader, categories: readonly Category[]): void {
  const seen = new Map<string, number>();
  categories.forEach((category, i) => {
    const first = seen.get(category.name);
    if (first !== undefined) {
      r.fail(['categories', i, 'name'], `duplicates the name of categories[${first}]`);
    } else seen.set(category.name, i);
    if (!category.included) return;
    const names = new Map<string, string>();
    category.fields.forEach((f, k) => {
      if (names.has(f.name))
        r.fail(['categories', i, 'fields', k, 'name'], `duplicates field "${f.name}"`);
      names.set(f.name, 'field');
    });
    category.excludedFields.forEach((f, k) => {
      if (names.has(f.name)) {
        r.fail(
          ['categories', i, 'excluded_fields', k, 'name'],
          `"${f.name}" is also an exported field`,
        );
      }
      names.set(f.name, 'excluded');
    });
  });
  categories.forEach((category, i) => {
    if (!category.included) return;
    category.references.forEach((ref, k) => {
      const target = categories.find((c) => c.name === ref.category);
      if (ref.category !== '' && target === undefined) {
        r.fail(
          ['categories', i, 'references', k, 'category'],
          `names unknown category "${ref.category}"`,
        );
      } else if (target && !target.included) {
        r.fail(
          ['categories', i, 'references', k, 'category'],
          `names "${ref.category}", which is excluded from exports`,
        );
      }
    });
  });
}
