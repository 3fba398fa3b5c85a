import type {
  CatalogField,
  CategoryReference,
  CategorySource,
  IncludedCategory,
  NewKeyRule,
} from '../catalog/index.js';
import type { JsonValue } from '../formats/index.js';
import type { BundleCategory } from './bundle-contents.js';
import type { ImportColumn } from './platform-writer.js';

/**
 * What the rows of a category are to the target tenant:
 * - `account`: the tenant's own row (the catalog's account category), updated in
 *   `preserve` mode and left alone in `remap` mode;
 * - `singleton`: one row per tenant, keyed by the tenant column (workspace
 *   settings), updated when the target holds it and inserted otherwise;
 * - `rows`: ordinary rows, inserted.
 */
export type CategoryRole = 'account' | 'singleton' | 'rows';

/** A reference of the category, located in its written fields. */
export interface PlannedReference extends CategoryReference {
  /** Position of each of `fields` among {@link CategoryPlan.fields}. */
  readonly at: readonly number[];
  /** Positions (among `at`) of the fields that may be null: written null first when the target comes later. */
  readonly nullable: readonly number[];
  /** The reference points at a category written after this one (a cycle broken here). */
  readonly deferred: boolean;
}

/** How `remap` gives each primary-key field its value; `reference` follows what the field points at. */
export type KeyRule = NewKeyRule | { readonly kind: 'reference' };

/** How one category of a bundle is written into the platform. */
export interface CategoryPlan extends BundleCategory {
  /** The table its rows belong to. */
  readonly table: string;
  /** How the tenant of a row is found (for lookups among the target tenant's own rows). */
  readonly source: CategorySource;
  /** Column holding the tenant on the table itself, set to the target on every row; null when none. */
  readonly tenantField: string | null;
  readonly role: CategoryRole;
  /** The record fields written, in order: every exported field but computed ones (and, from an untrusted bundle, platform-owned ones). */
  readonly fields: readonly CatalogField[];
  /** Columns written after the fields, each with a constant: excluded fields and replaced platform-owned ones. */
  readonly constants: readonly { readonly column: ImportColumn; readonly value: JsonValue }[];
  /** Every column written: {@link fields}, then {@link constants}. */
  readonly columns: readonly ImportColumn[];
  /** Primary-key columns. */
  readonly key: readonly ImportColumn[];
  /** Position of each primary-key field among {@link fields}. */
  readonly keyAt: readonly number[];
  /** How each primary-key field gets its value, aligned with {@link key}. */
  readonly keyRules: readonly KeyRule[];
  readonly references: readonly PlannedReference[];
}

/** What a plan depends on besides the catalog entry. */
export interface PlanContext {
  /** Whether the bundle's platform-owned fields may be written. */
  readonly trusted: boolean;
  /** Whether this category is the catalog's account. */
  readonly account: boolean;
  /** Indexes (into the category's references) of the references to categories written later. */
  readonly deferred: ReadonlySet<number>;
}

/** Plans the writing of one bundle category from its catalog entry. */
export function planCategory(bundled: BundleCategory, context: PlanContext): CategoryPlan {
  const category: IncludedCategory = bundled.category;
  const { source, primaryKey } = category;
  const tenantField =
    source.kind === 'table' && source.through.length === 0 ? source.tenantColumn : null;
  const role: CategoryRole = context.account
    ? 'account'
    : primaryKey.length === 1 && primaryKey[0] === tenantField
      ? 'singleton'
      : 'rows';
  const replaced = (f: CatalogField) =>
    !context.trusted && f.platformOwned && !primaryKey.includes(f.name);
  const fields = category.fields.filter((f) => f.computed === null && !replaced(f));
  const constants = [
    ...category.fields.flatMap((f) =>
      f.computed === null && replaced(f) && f.importDefault !== undefined
        ? [{ column: { name: f.name, field: null }, value: f.importDefault.value }]
        : [],
    ),
    ...category.excludedFields.map((f) => ({
      column: { name: f.name, field: null },
      value: f.importDefault,
    })),
  ];
  const position = (name: string) => fields.findIndex((f) => f.name === name);
  const references = category.references.map((reference, i): PlannedReference => {
    const at = reference.fields.map(position);
    return {
      ...reference,
      at,
      nullable: reference.fields.flatMap((name, k) =>
        fields[at[k]!]?.nullable === true ? [k] : [],
      ),
      deferred: context.deferred.has(i),
    };
  });
  const referenced = new Set(category.references.flatMap((r) => r.fields));
  return {
    ...bundled,
    table: source.table,
    source,
    tenantField,
    role,
    fields,
    constants,
    columns: [
      ...fields.map((f) => ({ name: f.name, field: f })),
      ...constants.map((c) => c.column),
    ],
    key: primaryKey.map((name) => ({ name, field: fields[position(name)] ?? null })),
    keyAt: primaryKey.map(position),
    keyRules: primaryKey.map((name): KeyRule => {
      const field = fields[position(name)];
      if (name === tenantField) return { kind: 'tenant' };
      if (field?.newKey != null) return field.newKey;
      return referenced.has(name) ? { kind: 'reference' } : { kind: 'keep' };
    }),
    references,
  };
}

/** The text an index knows a key by: numbers and their decimal strings alike. */
export function keyText(values: readonly JsonValue[]): string {
  return JSON.stringify(values.map((v) => (typeof v === 'number' ? String(v) : v)));
}
