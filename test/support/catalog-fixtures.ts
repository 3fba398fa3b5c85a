import {
  DEFAULT_TIMESTAMP_PRECISION,
  type CatalogField,
  type IncludedCategory,
  type TableSource,
} from '../../src/catalog/index.js';

/** A catalog field with the defaults the loader gives an undeclared property. */
export function testField(
  field: Pick<CatalogField, 'name' | 'type'> & Partial<CatalogField>,
): CatalogField {
  return {
    nullable: false,
    description: '',
    precision: field.type === 'timestamp' ? DEFAULT_TIMESTAMP_PRECISION : null,
    scale: null,
    computed: null,
    platformOwned: false,
    newKey: null,
    ...field,
  };
}

/** A table source scoped by the table's own tenant column. */
export function testTableSource(table: string, tenantColumn = 'tenant_id'): TableSource {
  return { kind: 'table', table, tenantColumn, through: [] };
}

/** An included category with the loader's defaults for what `category` leaves out. */
export function testCategory(
  category: Pick<IncludedCategory, 'name' | 'fields'> & Partial<IncludedCategory>,
): IncludedCategory {
  return {
    included: true,
    title: category.name,
    description: '',
    source: testTableSource(category.name),
    primaryKey: ['id'],
    excludedFields: [],
    references: [],
    tabular: true,
    files: null,
    account: null,
    platformOwned: false,
    ...category,
  };
}
