import { Document } from 'yaml';
import { TODO_REASON } from '../catalog/index.js';
import type { SchemaDescription, SchemaTable } from '../sources/index.js';
import { looksLikeCredential } from './credential-names.js';
import { findTenantPaths } from './tenant-paths.js';
import { draftType } from './type-mapping.js';

/** What `portage catalog init` drafts from. */
export interface DraftInput {
  readonly schema: SchemaDescription;
  /** The table whose rows are the tenants. */
  readonly tenantTable: string;
  readonly platformName: string;
}

/** A drafted catalog: its YAML text and what a person still has to write. */
export interface CatalogDraft {
  readonly yaml: string;
  readonly included: number;
  readonly excluded: number;
  /** How many `TODO`s the text holds (reasons and descriptions). */
  readonly todos: number;
}

/** Raised when the tenant table cannot anchor a catalog. */
export class DraftError extends Error {
  override readonly name = 'DraftError';
}

type Yaml = Record<string, unknown>;

/**
 * Drafts a catalog from a live schema: every table, the tenant table as the
 * account, each other table reached from it through foreign keys as an
 * included category (its own tenant column, or a `through` chain), each
 * column with its mapped type, credential-looking columns as excluded fields,
 * references from foreign keys, and the tables with no path to the tenant (or
 * no primary key) as excluded. What only a person knows — every reason and
 * description — is `TODO`; `portage check` refuses the catalog until each is written.
 */
export function draftCatalog(input: DraftInput): CatalogDraft {
  const { tables } = input.schema;
  const tenantTable = tables.find((t) => t.name === input.tenantTable);
  if (tenantTable === undefined) {
    throw new DraftError(
      `--tenant-table: the database has no table "${input.tenantTable}" (tables: ${tables.map((t) => t.name).join(', ')})`,
    );
  }
  if (tenantTable.primaryKey.length !== 1) {
    throw new DraftError(
      `--tenant-table: "${tenantTable.name}" needs a single-column primary key (the tenant id); it has ${tenantTable.primaryKey.length === 0 ? 'none' : tenantTable.primaryKey.join(', ')}`,
    );
  }
  const paths = findTenantPaths(tables, tenantTable);
  const names = categoryNames(tables);
  const includedTables = new Set(
    tables
      .filter((t) => t === tenantTable || (paths.has(t.name) && t.primaryKey.length > 0))
      .map((t) => t.name),
  );
  const categories: Yaml[] = [];
  // The account first, then the exported tables, then the excluded ones, each by name.
  const ordered = [...tables].sort(
    (a, b) =>
      Number(b === tenantTable) - Number(a === tenantTable) ||
      Number(includedTables.has(b.name)) - Number(includedTables.has(a.name)) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  for (const table of ordered) {
    const name = names.get(table.name)!;
    if (!includedTables.has(table.name)) {
      categories.push({
        name,
        title: title(table.name),
        description: TODO_REASON,
        excluded: { reason: TODO_REASON, tables: [table.name] },
      });
      continue;
    }
    categories.push(includedCategory(table, input, tenantTable, paths, names, includedTables));
  }
  const doc = new Document({
    version: '0.1.0',
    platform: { name: input.platformName, description: TODO_REASON },
    categories,
  });
  doc.commentBefore =
    ` Draft catalog of ${input.platformName}, written by \`portage catalog init\` from its ${input.schema.dialect} schema.\n` +
    ' Replace every TODO (what a person alone can say: why a table or column is left out,\n' +
    ' and what each value means to the customer), review each type, `new_key` and reference,\n' +
    ' then run `portage check`: it refuses the catalog while a TODO is left.';
  const yaml = doc.toString({ lineWidth: 100 });
  const included = includedTables.size;
  return {
    yaml,
    included,
    excluded: tables.length - included,
    todos: yaml.split(/\bTODO\b/).length - 1,
  };
}

function includedCategory(
  table: SchemaTable,
  input: DraftInput,
  tenantTable: SchemaTable,
  paths: ReturnType<typeof findTenantPaths>,
  names: Map<string, string>,
  includedTables: Set<string>,
): Yaml {
  const isAccount = table === tenantTable;
  const path = paths.get(table.name);
  const tenantColumn = isAccount ? tenantTable.primaryKey[0]! : path!.tenantColumn;
  const direct = isAccount || path!.through.length === 0;
  const references = table.foreignKeys.filter(
    (fk) =>
      fk.table !== tenantTable.name &&
      includedTables.has(fk.table) &&
      sameList(fk.keys, tables(input).get(fk.table)!.primaryKey),
  );
  const referenced = new Set(references.flatMap((fk) => fk.columns));
  const keyColumns = new Set(table.primaryKey);
  const fields: Yaml[] = [];
  const excluded: Yaml[] = [];
  for (const column of table.columns) {
    const structural =
      keyColumns.has(column.name) ||
      referenced.has(column.name) ||
      (direct && column.name === tenantColumn) ||
      table.foreignKeys.some((fk) => fk.columns.includes(column.name));
    if (!structural && looksLikeCredential(column.name)) {
      excluded.push({ name: column.name, reason: TODO_REASON });
      continue;
    }
    const shape = draftType(column, input.schema.dialect);
    const field: Yaml = { name: column.name, type: shape.type };
    if (shape.scale !== undefined) field.scale = shape.scale;
    if (shape.precision !== undefined && shape.type === 'timestamp')
      field.precision = shape.precision;
    if (shape.precision !== undefined && shape.type === 'decimal')
      field.precision = shape.precision;
    if (column.nullable) field.nullable = true;
    const textKey =
      keyColumns.has(column.name) &&
      !referenced.has(column.name) &&
      !(direct && column.name === tenantColumn) &&
      (shape.type === 'string' || shape.type === 'date' || shape.type === 'timestamp');
    if (textKey) field.new_key = 'keep';
    field.description = TODO_REASON;
    fields.push(field);
  }
  const category: Yaml = {
    name: names.get(table.name),
    title: title(table.name),
    description: TODO_REASON,
  };
  if (isAccount) category.account = { display_field: displayField(table, fields) };
  category.source = direct
    ? { table: table.name, tenant_column: tenantColumn }
    : {
        table: table.name,
        through: path!.through.map((hop) => ({
          column: hop.columns.length === 1 ? hop.columns[0] : [...hop.columns],
          table: hop.table,
          key: hop.keys.length === 1 ? hop.keys[0] : [...hop.keys],
        })),
        tenant_column: tenantColumn,
      };
  category.primary_key = [...table.primaryKey];
  if (references.length > 0) {
    category.references = references.map((fk) =>
      fk.columns.length === 1
        ? { field: fk.columns[0], category: names.get(fk.table) }
        : { fields: [...fk.columns], category: names.get(fk.table) },
    );
  }
  category.fields = fields;
  if (excluded.length > 0) category.excluded_fields = excluded;
  return category;
}

const tableMaps = new WeakMap<DraftInput, Map<string, SchemaTable>>();
function tables(input: DraftInput): Map<string, SchemaTable> {
  let map = tableMaps.get(input);
  if (map === undefined) {
    map = new Map(input.schema.tables.map((t) => [t.name, t]));
    tableMaps.set(input, map);
  }
  return map;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The account's display field: a text column named like a name, else its key. */
function displayField(table: SchemaTable, fields: Yaml[]): string {
  const exported = new Set(fields.map((f) => f.name as string));
  for (const candidate of ['display_name', 'name', 'title', 'company_name', 'slug']) {
    if (exported.has(candidate)) return candidate;
  }
  return table.primaryKey[0]!;
}

/** A valid, unique category name per table (lowercase letters, digits and `_`). */
function categoryNames(tables: readonly SchemaTable[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const t of tables) {
    let base = t.name.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
    if (!/^[a-z]/.test(base)) base = `t_${base}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    out.set(t.name, name);
  }
  return out;
}

function title(table: string): string {
  const words = table.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
