/**
 * What a column's declared type says about the values it can hold, read from
 * the type as each database prints it (PostgreSQL's `format_type`, MySQL's
 * `COLUMN_TYPE`, SQLite's declared type).
 */
export type ColumnKind =
  /** An integer of at most 53 bits (or SQLite's INTEGER, which holds 64 but is the only integer it has). */
  | { readonly kind: 'integer'; readonly wide: false }
  /** A 64-bit integer (PostgreSQL `bigint`, MySQL `BIGINT`). */
  | { readonly kind: 'integer'; readonly wide: true }
  /** A fixed-point number; null digits for PostgreSQL's unconstrained `numeric`. */
  | { readonly kind: 'decimal'; readonly precision: number | null; readonly scale: number | null }
  | { readonly kind: 'float' }
  | { readonly kind: 'boolean' }
  /** A date and time holding `digits` fractional-second digits. */
  | { readonly kind: 'timestamp'; readonly digits: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'json' }
  | { readonly kind: 'uuid' }
  /** Binary data; `length` when fixed (`BINARY(16)`). */
  | { readonly kind: 'bytes'; readonly length: number | null }
  | { readonly kind: 'text' }
  /** A PostgreSQL array (`integer[]`). */
  | { readonly kind: 'array' }
  /** Anything else (enums, times of day, intervals, SQLite's loose types): not checked. */
  | { readonly kind: 'other' };

const PARAMETERS = /\((\d+)(?:\s*,\s*(\d+))?\)/;

/** The kind of a column, from its declared type in `dialect` (`sqlite`, `postgres` or `mysql`). */
export function columnKind(declaredType: string, dialect: string): ColumnKind {
  const type = declaredType.toLowerCase().trim();
  if (dialect === 'sqlite') return sqliteKind(type);
  const params = PARAMETERS.exec(type);
  const first = params?.[1] === undefined ? null : Number(params[1]);
  const second = params?.[2] === undefined ? null : Number(params[2]);
  if (type.endsWith('[]')) return { kind: 'array' };
  if (type === 'tinyint(1)' || /^bool(ean)?$/.test(type)) return { kind: 'boolean' };
  if (/^(bigint|int8|bigserial)\b/.test(type)) return { kind: 'integer', wide: true };
  if (/^(smallint|integer|int|int2|int4|mediumint|tinyint|serial|smallserial|year)\b/.test(type)) {
    return { kind: 'integer', wide: false };
  }
  if (/^(numeric|decimal)\b/.test(type)) {
    if (first === null) {
      return dialect === 'mysql'
        ? { kind: 'decimal', precision: 10, scale: 0 }
        : { kind: 'decimal', precision: null, scale: null };
    }
    return { kind: 'decimal', precision: first, scale: second ?? 0 };
  }
  if (/^(real|double|float)/.test(type)) return { kind: 'float' };
  if (/^(timestamp|datetime)/.test(type)) {
    return { kind: 'timestamp', digits: first ?? (dialect === 'postgres' ? 6 : 0) };
  }
  if (type === 'date') return { kind: 'date' };
  if (/^jsonb?$/.test(type)) return { kind: 'json' };
  if (type === 'uuid') return { kind: 'uuid' };
  if (type === 'bytea' || /^(tiny|medium|long)?blob$/.test(type))
    return { kind: 'bytes', length: null };
  if (/^binary\b/.test(type)) return { kind: 'bytes', length: first ?? 1 };
  if (/^varbinary\b/.test(type)) return { kind: 'bytes', length: null };
  if (/^(text|tinytext|mediumtext|longtext|character|char|varchar|citext|name|enum)\b/.test(type)) {
    return { kind: 'text' };
  }
  return { kind: 'other' };
}

/** SQLite keeps any value in any column; only its affinities tell something (its rules, in order). */
function sqliteKind(type: string): ColumnKind {
  if (type.includes('int')) return { kind: 'integer', wide: false };
  if (/char|clob|text/.test(type)) return { kind: 'text' };
  if (type.includes('blob')) return { kind: 'bytes', length: null };
  if (/real|floa|doub/.test(type)) return { kind: 'float' };
  return { kind: 'other' };
}
