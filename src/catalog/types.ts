/**
 * The catalog: the declarative list of every category of data a platform holds
 * about a customer. It is the completeness contract: each category is either
 * exported (with its source and its fields) or excluded with a written reason.
 */

/** The value types a catalog field can declare; each fixes one JSON form (SPEC §11, §12.1). */
export const FIELD_TYPES = [
  'string',
  'integer',
  'bigint',
  'decimal',
  'float',
  'boolean',
  'timestamp',
  'date',
  'json',
  'uuid',
  'bytes',
] as const;

/** One catalog field type. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** Fractional digits of a `timestamp` field that declares none. */
export const DEFAULT_TIMESTAMP_PRECISION = 3;

/** How `remap` gives a new value to a primary-key field that is not a reference. */
export type NewKeyRule =
  /** A new integer that collides with no row of the target table (integer and bigint keys). */
  | { readonly kind: 'sequence' }
  /** A new random UUID (uuid keys, or text keys that declare `new_key: uuid`). */
  | { readonly kind: 'uuid' }
  /** The key is kept (text keys unique per tenant, such as a setting's name). */
  | { readonly kind: 'keep' }
  /** The target tenant's id (the key is the tenant column). */
  | { readonly kind: 'tenant' };

/** A field of an included category, in the order it is exported. */
export interface CatalogField {
  /** Column name in the source and key in every exported record. */
  readonly name: string;
  readonly type: FieldType;
  /** Whether the value may be null. (Default: false) */
  readonly nullable: boolean;
  readonly description: string;
  /**
   * `timestamp`: fractional-second digits written, 0–6 (Default: 3).
   * `decimal`: total significant digits the value may hold, when declared. Otherwise null.
   */
  readonly precision: number | null;
  /** `decimal`: digits after the point, always written (required for `decimal`); otherwise null. */
  readonly scale: number | null;
  /**
   * Why this field is not a column of the category's table (a value a query
   * computes); null for an ordinary column. Imports do not write computed fields.
   */
  readonly computed: string | null;
  /**
   * Whether only the platform decides this value: an untrusted bundle never
   * writes it (SPEC §12.1). (Default: true for every account field but its key
   * and display field; false elsewhere, unless the category is platform-owned.)
   */
  readonly platformOwned: boolean;
  /** For a primary-key field that is no reference: how `remap` gives a new key; null otherwise. */
  readonly newKey: NewKeyRule | null;
  /**
   * What a platform-owned field holds on a row an untrusted bundle creates
   * (`import_default`). (Default: undefined — the column is left out of the
   * insert, so the database's own default applies.)
   */
  readonly importDefault?: { readonly value: string | number | boolean | null };
}

/** A column the platform holds but deliberately leaves out of every export. */
export interface ExcludedField {
  readonly name: string;
  readonly reason: string;
  /** The value an import writes into this column, since the export never carries it. */
  readonly importDefault: string | number | boolean | null;
}

/**
 * A foreign key from one category to another, needed to remap IDs on import:
 * `fields` of this category hold the primary key of a record of `category`,
 * aligned with that category's `primary_key`.
 */
export interface CategoryReference {
  readonly fields: readonly string[];
  /** Name of the category it points to (this very category for a self-reference). */
  readonly category: string;
}

/**
 * One step from a table towards the tenant: `columns` of the table before it
 * hold `keys` of `table` (a foreign key, composite when the lists are longer).
 */
export interface TenantHop {
  readonly columns: readonly string[];
  readonly table: string;
  readonly keys: readonly string[];
}

/**
 * The category's rows are the rows of `table` whose tenant is the exported
 * one: `tenantColumn` of `table` itself, or, through `through`, of the last
 * table the chain of foreign keys reaches. Portage writes the query.
 */
export interface TableSource {
  readonly kind: 'table';
  readonly table: string;
  /** Column holding the tenant's id, on `table` or on the last hop's table. */
  readonly tenantColumn: string;
  /** Foreign keys followed from `table` to the table holding the tenant; empty when direct. */
  readonly through: readonly TenantHop[];
}

/**
 * An SQL query returning the category's rows for one tenant (named by the
 * `:tenant` parameter). Its rows are rows of `table`: imports write them there,
 * and its fields are that table's columns unless declared `computed`.
 */
export interface QuerySource {
  readonly kind: 'query';
  readonly table: string;
  readonly sql: string;
}

/** Where a category's rows come from. */
export type CategorySource = TableSource | QuerySource;

/** Binary files referenced by the rows of a category (attachments). */
export interface FilesSpec {
  /** Field holding the file's path, relative to the platform's files root. */
  readonly pathField: string;
  /**
   * Folder of one tenant's files, relative to the files root, with `{tenant}`
   * standing for the tenant's id (for example `{tenant}/attachments`). Exports
   * read only under it; imports write only under the target tenant's.
   */
  readonly folder: string;
}

/** The category whose rows are the tenants themselves (one row per tenant). */
export interface AccountSpec {
  /** Field holding the name documents and emails show for the tenant. */
  readonly displayField: string;
}

/** A category Portage exports. */
export interface IncludedCategory {
  readonly included: true;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly source: CategorySource;
  /** Fields forming the primary key; records are ordered by them. */
  readonly primaryKey: readonly string[];
  /** Exported fields, in export order. */
  readonly fields: readonly CatalogField[];
  readonly excludedFields: readonly ExcludedField[];
  readonly references: readonly CategoryReference[];
  /** Whether the category fits a CSV table (Default: true). */
  readonly tabular: boolean;
  readonly files: FilesSpec | null;
  /** Set on the one category whose rows are the tenants; null elsewhere. */
  readonly account: AccountSpec | null;
  /** Whether only the platform writes this category's rows: an untrusted bundle may not. (Default: false) */
  readonly platformOwned: boolean;
}

/** A category the platform holds but Portage deliberately does not export. */
export interface ExcludedCategory {
  readonly included: false;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly reason: string;
  /** Source tables this category stands for, so the drift check counts them as declared. */
  readonly tables: readonly string[];
}

/** One category of the catalog. */
export type Category = IncludedCategory | ExcludedCategory;

/** The platform the catalog describes. */
export interface PlatformInfo {
  readonly name: string;
  readonly description: string;
}

/** A loaded, validated catalog. */
export interface Catalog {
  /** Version of this catalog; recorded in every manifest and checked on import. */
  readonly version: string;
  readonly platform: PlatformInfo;
  /** Source tables that hold nothing about customers (schema bookkeeping), with why. */
  readonly ignoredTables: readonly { readonly table: string; readonly reason: string }[];
  /** Every category, in catalog order. */
  readonly categories: readonly Category[];
  /** The account category (its rows are the tenants). */
  readonly account: IncludedCategory;
  /** The file the catalog was read from, for messages. */
  readonly file: string;
}
