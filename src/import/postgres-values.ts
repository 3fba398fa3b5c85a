import type { FieldType } from '../catalog/index.js';
import { stringifyJson, type JsonValue } from '../formats/index.js';
import { bytesValue } from './bytes-value.js';
import type { ImportColumn } from './platform-writer.js';

/** A value the `pg` driver sends as a parameter. */
export type PostgresValue = string | number | boolean | Buffer | null;

/**
 * The inverse of the export's value model for PostgreSQL: integers and bigints
 * as decimal text (exact beyond 2^53), decimals, timestamps and dates as their
 * text (the column's type parses them), booleans as booleans, JSON as
 * canonical JSON text (a non-nullable `json` field keeps JSON `null` as `null`),
 * `null` as NULL.
 */
export function toPostgresValue(column: ImportColumn, value: JsonValue): PostgresValue {
  const field = column.field;
  if (field === null) {
    return value === null || typeof value !== 'object' ? value : stringifyJson(value);
  }
  if (value === null && (field.nullable || field.type !== 'json')) return null;
  switch (field.type) {
    case 'integer':
      return typeof value === 'number' ? String(value) : (value as string);
    case 'boolean':
      return value === true;
    case 'json':
      return stringifyJson(value);
    case 'bytes':
      return bytesValue(value);
    default:
      return value as string;
  }
}

/** The PostgreSQL type that holds each catalog type exactly. */
export const POSTGRES_TYPES: { readonly [type in FieldType]: string } = {
  string: 'text',
  integer: 'bigint',
  bigint: 'bigint',
  decimal: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
  float: 'float8',
  uuid: 'uuid',
  bytes: 'bytea',
};

/** The cast that types a parameter compared with a column of this field (`text` for an excluded one). */
export function postgresCast(column: ImportColumn): string {
  return column.field === null ? 'text' : POSTGRES_TYPES[column.field.type];
}
