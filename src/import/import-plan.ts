import type { CatalogField, IncludedCategory } from '../catalog/index.js';
import type { BundleCategory } from './bundle-contents.js';
import type { ImportColumn } from './platform-writer.js';

/** How one category of a bundle is written into the platform. */
export interface CategoryPlan extends BundleCategory {
  /** The table written: the source table, or the first of a query source's `tables`. */
  readonly table: string;
  /** Field holding the tenant, set to the target tenant on every row; null for a query source. */
  readonly tenantField: string | null;
  /** The category is the tenant's own row (its primary key is the tenant column): updated, not inserted. */
  readonly tenantRow: boolean;
  /** Primary-key columns. */
  readonly key: readonly ImportColumn[];
  /** The single integer primary key that `remap` renumbers; null when there is none. */
  readonly remappedKey: CatalogField | null;
  /** Every column written: the exported fields, then the excluded ones with their import default. */
  readonly columns: readonly ImportColumn[];
  /** Values of the excluded fields, aligned with their columns at the end of {@link columns}. */
  readonly defaults: readonly (string | number | boolean | null)[];
}

/** Plans the writing of one bundle category from its catalog entry. */
export function planCategory(bundled: BundleCategory): CategoryPlan {
  const category: IncludedCategory = bundled.category;
  const { source } = category;
  const table = source.table;
  const tenantField =
    source.kind === 'table' && source.through.length === 0 ? source.tenantColumn : null;
  const field = (name: string) => category.fields.find((f) => f.name === name) ?? null;
  const keyField = category.primaryKey.length === 1 ? field(category.primaryKey[0]!) : null;
  return {
    ...bundled,
    table,
    tenantField,
    tenantRow: category.primaryKey.length === 1 && category.primaryKey[0] === tenantField,
    key: category.primaryKey.map((name) => ({ name, field: field(name) })),
    remappedKey: keyField?.type === 'integer' ? keyField : null,
    columns: [
      ...category.fields.map((f) => ({ name: f.name, field: f })),
      ...category.excludedFields.map((f) => ({ name: f.name, field: null })),
    ],
    defaults: category.excludedFields.map((f) => f.importDefault),
  };
}
