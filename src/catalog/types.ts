/**
 * The catalog: the declarative list of every category of data a platform holds
 * about a customer. It is the completeness contract: each category is either
 * exported (with its source and its fields) or excluded with a written reason.
 */

/** The value types a catalog field can declare; each fixes one JSON form (SPEC §11). */
export const FIELD_TYPES = [
  'string',
  'integer',
  'bigint',
  'decimal',
  'boolean',
  'timestamp',
  'date',
  'json',
] as const;

/** One catalog field type. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** A field of an included category, in the order it is exported. */
export interface CatalogField {
  /** Column name in the source and key in every exported record. */
  readonly name: string;
  readonly type: FieldType;
  /** Whether the value may be null. (Default: false) */
  readonly nullable: boolean;
  readonly description: string;
}

/** A column the platform holds but deliberately leaves out of every export. */
export interface ExcludedField {
  readonly name: string;
  readonly reason: string;
  /** The value an import writes into this column, since the export never carries it. */
  readonly importDefault: string | number | boolean | null;
}

/** A foreign key from one category to another, needed to remap IDs on import. */
export interface CategoryReference {
  /** Field of this category holding the referenced key. */
  readonly field: string;
  /** Name of the category it points to. */
  readonly category: string;
}

/** A table holding the category's rows, scoped to one tenant by a column. */
export interface TableSource {
  readonly kind: 'table';
  readonly table: string;
  readonly tenantColumn: string;
}

/**
 * An SQL query returning the category's rows for one tenant. It names the tenant
 * with the `:tenant` parameter and lists the tables it reads, so the drift check
 * knows they are covered.
 */
export interface QuerySource {
  readonly kind: 'query';
  readonly sql: string;
  readonly tables: readonly string[];
}

/** Where a category's rows come from. */
export type CategorySource = TableSource | QuerySource;

/** Binary files referenced by the rows of a category (attachments). */
export interface FilesSpec {
  /** Field holding the file's path, relative to the platform's files root. */
  readonly pathField: string;
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
  /** The file the catalog was read from, for messages. */
  readonly file: string;
}
