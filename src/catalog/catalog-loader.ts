import { readFileSync } from 'node:fs';
import { CatalogError } from './catalog-error.js';
import { checkCatalogRules } from './catalog-rules.js';
import { readCompiledCatalog } from './compiled-catalog.js';
import { readField } from './field-reader.js';
import { readSource } from './source-reader.js';
import type {
  AccountSpec,
  Catalog,
  Category,
  CategoryReference,
  ExcludedField,
  FilesSpec,
  IncludedCategory,
} from './types.js';
import { YamlReader, type YamlPath } from './yaml-reader.js';

const NAME = /^[a-z][a-z0-9_]*$/;
const CATEGORY_KEYS = [
  'name',
  'title',
  'description',
  'account',
  'source',
  'primary_key',
  'fields',
  'excluded_fields',
  'references',
  'tabular',
  'files',
  'platform_owned',
  'excluded',
];

/**
 * Reads and validates a catalog file; throws {@link CatalogError} listing every
 * issue. A file the build already read (the shipped catalogs) is taken from its
 * compiled copy.
 */
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
  return readCompiledCatalog(file, text) ?? parseCatalog(file, text);
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

  const read: Category[] = [];
  const count = r.length(['categories'], true);
  for (let i = 0; i < count; i++) read.push(readCategory(r, i));

  const { categories, account } = checkCatalogRules(r, read);
  if (r.issues.length > 0 || account === null) throw new CatalogError(r.issues);
  return { version, platform, ignoredTables, categories, account, file };
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
    for (const key of ['source', 'fields', 'primary_key', 'account']) {
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

  const account = readAccount(r, at);
  const platformOwned = r.boolean([...at, 'platform_owned'], false);
  const source = readSource(r, [...at, 'source']);
  const primaryKey = r.strings([...at, 'primary_key'], true);
  const defaults = {
    displayField: account?.displayField ?? null,
    platformOwned,
    primaryKey,
    source,
  };
  const fields = Array.from({ length: r.length([...at, 'fields'], true) }, (_, k) =>
    readField(r, [...at, 'fields', k], defaults),
  );
  const fieldNames = new Set(fields.map((f) => f.name));
  const exported = (path: YamlPath, field: string): void => {
    if (field !== '' && !fieldNames.has(field)) {
      r.fail(path, `names "${field}", which is not an exported field`);
    }
  };
  primaryKey.forEach((key, k) => exported([...at, 'primary_key', k], key));
  const references = Array.from({ length: r.length([...at, 'references'], false) }, (_, k) =>
    readReference(r, [...at, 'references', k], exported),
  );
  const files = readFiles(r, [...at, 'files'], exported);
  if (account !== null) exported([...at, 'account', 'display_field'], account.displayField);

  const category: IncludedCategory = {
    included: true,
    name,
    title,
    description,
    source,
    primaryKey,
    fields,
    excludedFields: readExcludedFields(r, at),
    references,
    tabular: r.boolean([...at, 'tabular'], true),
    files,
    account,
    platformOwned,
  };
  return category;
}

function readAccount(r: YamlReader, at: YamlPath): AccountSpec | null {
  const path = [...at, 'account'];
  if (!r.isMapping(path)) return null;
  r.rejectUnknownKeys(path, ['display_field']);
  return { displayField: r.string([...path, 'display_field']) };
}

function readReference(
  r: YamlReader,
  path: YamlPath,
  exported: (path: YamlPath, field: string) => void,
): CategoryReference {
  r.rejectUnknownKeys(path, ['field', 'fields', 'category']);
  let fields: string[];
  if (r.has([...path, 'fields'])) {
    if (r.has([...path, 'field'])) r.fail([...path, 'field'], 'give either field or fields');
    fields = r.strings([...path, 'fields'], true);
    fields.forEach((f, n) => exported([...path, 'fields', n], f));
  } else {
    const field = r.string([...path, 'field']);
    exported([...path, 'field'], field);
    fields = [field];
  }
  return { fields, category: r.string([...path, 'category']) };
}

function readFiles(
  r: YamlReader,
  path: YamlPath,
  exported: (path: YamlPath, field: string) => void,
): FilesSpec | null {
  if (!r.isMapping(path)) return null;
  r.rejectUnknownKeys(path, ['path_field', 'folder']);
  const pathField = r.string([...path, 'path_field']);
  exported([...path, 'path_field'], pathField);
  const folder = r.string([...path, 'folder']);
  if (folder !== '' && !folder.includes('{tenant}')) {
    r.fail([...path, 'folder'], 'must contain {tenant}, standing for the tenant id');
  } else if (folder.startsWith('/') || folder.split('/').some((s) => s === '..' || s === '.')) {
    r.fail([...path, 'folder'], 'must be a relative path without "." or ".." segments');
  }
  return { pathField, folder: folder.replace(/\/+$/, '') };
}

function readExcludedFields(r: YamlReader, at: YamlPath): ExcludedField[] {
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
