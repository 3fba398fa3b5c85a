import type { FieldType } from '../catalog/index.js';
import type { SchemaColumn } from '../sources/index.js';

/** The catalog type a draft gives a column, with a decimal's scale and a timestamp's precision. */
export interface DraftType {
  readonly type: FieldType;
  readonly scale?: number;
  readonly precision?: number;
}

const PARAMETERS = /\((\d+)(?:\s*,\s*(\d+))?\)/;

/**
 * Maps a column's declared type (as PostgreSQL, MySQL or SQLite print it) to
 * the catalog type that carries its values exactly. Integer columns of 64 bits
 * become `bigint` (a string in JSON, exact), smaller ones `integer`; `numeric(p,s)`
 * a `decimal` of that scale (an unconstrained numeric has no fixed scale: `string`,
 * its digits as the database prints them); timestamps keep the precision the
 * column declares; `tinyint(1)` is MySQL's boolean; `SET` columns are JSON arrays,
 * PostgreSQL arrays strings (their text, `{1,2}`); binary columns are bytes, a
 * 16-byte binary or a `uuid` is a UUID. SQLite declares little, so a SQLite
 * `TEXT` column stays `string` whatever it holds, and its `INTEGER` columns (all
 * of 64 bits) are `integer` unless a value they hold today is beyond ±(2^53−1).
 */
export function draftType(column: SchemaColumn, dialect: string): DraftType {
  const declared = column.type.toLowerCase().trim();
  const params = PARAMETERS.exec(declared);
  const first = params?.[1] === undefined ? undefined : Number(params[1]);
  const second = params?.[2] === undefined ? undefined : Number(params[2]);
  // A PostgreSQL array's text (`{1,2}`) is no JSON value; as text it round-trips exactly.
  if (declared.endsWith('[]')) return { type: 'string' };
  if (declared.startsWith('set(') || /^(json|jsonb)\b/.test(declared)) {
    return { type: 'json' };
  }
  if (declared === 'uuid' || declared === 'binary(16)') return { type: 'uuid' };
  if (declared === 'char(36)' && /(^|_)(id|uuid)$/.test(column.name)) return { type: 'uuid' };
  if (declared === 'tinyint(1)' || /^bool(ean)?$/.test(declared)) return { type: 'boolean' };
  if (/^(bigint|int8|bigserial)\b/.test(declared) || column.holdsWideIntegers === true) {
    return { type: 'bigint' };
  }
  if (
    /^(integer|int|int2|int4|smallint|mediumint|tinyint|serial|smallserial|year)\b/.test(declared)
  ) {
    return { type: 'integer' };
  }
  if (/^(numeric|decimal)\b/.test(declared)) {
    if (second !== undefined) return { type: 'decimal', scale: second, precision: first };
    if (first !== undefined) return { type: 'decimal', scale: 0, precision: first };
    return { type: 'string' };
  }
  if (/^(real|double|float)/.test(declared)) return { type: 'float' };
  if (/^(timestamp|datetime)/.test(declared)) {
    const precision = first ?? (dialect === 'postgres' ? 6 : dialect === 'mysql' ? 0 : 3);
    return { type: 'timestamp', precision };
  }
  if (declared === 'date') return { type: 'date' };
  if (/^(bytea|blob|tinyblob|mediumblob|longblob|binary|varbinary)\b/.test(declared)) {
    return { type: 'bytes' };
  }
  return { type: 'string' };
}
