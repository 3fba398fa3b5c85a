import { columnKind, type ColumnKind } from './column-kind.js';
import { DEFAULT_TIMESTAMP_PRECISION, type Catalog, type CatalogField } from './types.js';

/** A field whose declared type cannot carry every value its column can hold. */
export interface FieldTypeProblem {
  readonly category: string;
  readonly field: string;
  readonly table: string;
  /** The column's type as the database declares it. */
  readonly columnType: string;
  /** What does not fit, and what to declare instead. */
  readonly problem: string;
}

/**
 * Compares each field of a table-backed column with the column's declared
 * type (SPEC §12.1, §12.4): a timestamp column holding more fractional digits
 * than the field's `precision`, a decimal column of another scale (or none,
 * or more digits than the field's `precision` allows), a 64-bit integer
 * declared `integer`, a float declared `decimal`, and any column whose kind
 * the field's type cannot carry (a PostgreSQL array declared `json`, binary
 * data declared `string`, …). Text columns may carry any type (their text is
 * read); SQLite, which declares little, is checked only where its affinity
 * says something.
 */
export function checkFieldTypes(
  catalog: Catalog,
  columns: readonly { readonly table: string; readonly column: string; readonly type: string }[],
  dialect: string,
): FieldTypeProblem[] {
  const types = new Map(columns.map((c) => [`${c.table}\u0000${c.column}`, c.type]));
  const problems: FieldTypeProblem[] = [];
  for (const category of catalog.categories) {
    if (!category.included) continue;
    const { table } = category.source;
    for (const field of category.fields) {
      if (field.computed !== null) continue;
      const columnType = types.get(`${table}\u0000${field.name}`);
      if (columnType === undefined) continue;
      const problem = misfit(field, columnKind(columnType, dialect));
      if (problem !== null) {
        problems.push({ category: category.name, field: field.name, table, columnType, problem });
      }
    }
  }
  return problems;
}

/** Kinds each field type carries exactly, besides text and the unchecked `other`. */
const CARRIES: { readonly [type in CatalogField['type']]: readonly ColumnKind['kind'][] } = {
  string: ['integer', 'decimal', 'float', 'boolean', 'timestamp', 'date', 'json', 'uuid', 'array'],
  integer: ['integer'],
  bigint: ['integer'],
  decimal: ['integer', 'decimal'],
  float: ['float', 'integer'],
  boolean: ['boolean', 'integer'],
  timestamp: ['timestamp', 'integer'],
  date: ['date'],
  json: ['json', 'integer', 'decimal', 'boolean'],
  uuid: ['uuid', 'bytes'],
  bytes: ['bytes'],
};

/** Why `field` cannot carry the column's values, or null when it can. */
function misfit(field: CatalogField, column: ColumnKind): string | null {
  if (column.kind === 'other') return null;
  if (column.kind === 'text') {
    return field.type === 'bytes' ? 'a text column is not binary data: declare it `string`' : null;
  }
  if (!CARRIES[field.type].includes(column.kind)) {
    if (column.kind === 'array') {
      return 'a PostgreSQL array is not a JSON value: declare it `string` (its text, such as `{1,2}`, round-trips exactly)';
    }
    if (field.type === 'decimal' && column.kind === 'float') {
      return 'a float column holds binary fractions no decimal scale writes exactly: declare it `float`';
    }
    return `a ${column.kind} column cannot be carried by a \`${field.type}\` field`;
  }
  switch (field.type) {
    case 'integer':
      return column.kind === 'integer' && column.wide
        ? 'a 64-bit integer column can hold values beyond ±(2^53−1): declare it `bigint`'
        : null;
    case 'float':
      return column.kind === 'integer' && column.wide
        ? 'a 64-bit integer column can hold values a float cannot: declare it `bigint`'
        : null;
    case 'timestamp': {
      const declared = field.precision ?? DEFAULT_TIMESTAMP_PRECISION;
      return column.kind === 'timestamp' && column.digits > declared
        ? `the column holds ${column.digits} fractional-second digits, the field declares precision ${declared}: declare precision ${column.digits}`
        : null;
    }
    case 'decimal':
      return column.kind === 'decimal' ? decimalMisfit(field, column) : null;
    case 'uuid':
      return column.kind === 'bytes' && column.length !== 16
        ? 'only a 16-byte binary column holds a UUID: declare it `bytes`'
        : null;
    default:
      return null;
  }
}

function decimalMisfit(
  field: CatalogField,
  column: { readonly precision: number | null; readonly scale: number | null },
): string | null {
  const scale = field.scale ?? 0;
  if (column.scale === null || column.precision === null) {
    return `the column holds numbers of any scale, the field declares scale ${scale}: constrain the column (numeric(p,${scale})) or declare it \`string\``;
  }
  if (column.scale !== scale) {
    return `the column's scale is ${column.scale}, the field declares scale ${scale}: declare scale ${column.scale}`;
  }
  if (field.precision !== null && column.precision > field.precision) {
    return `the column holds ${column.precision} digits, the field declares precision ${field.precision}: declare precision ${column.precision}`;
  }
  return null;
}
