import { stringifyJson, type JsonValue } from '../formats/index.js';
import { bytesValue } from './bytes-value.js';
import type { ImportColumn } from './platform-writer.js';

/** A value better-sqlite3 binds. */
export type SqliteValue = string | number | bigint | Buffer | null;

/**
 * The inverse of the export's value model for SQLite: a JSON value back to
 * what the platform stores. Integers and bigints as INTEGER (`bigint`, exact),
 * decimals, timestamps and dates as their text, booleans as 0/1, JSON as
 * canonical JSON text, `null` as NULL. A non-nullable `json` field keeps a JSON
 * `null` as the text `null`.
 */
export function toSqliteValue(column: ImportColumn, value: JsonValue): SqliteValue {
  const field = column.field;
  if (field === null) return rawDefault(value);
  if (value === null && (field.nullable || field.type !== 'json')) return null;
  switch (field.type) {
    case 'integer':
    case 'bigint':
      return BigInt(value as number | string);
    case 'boolean':
      return value === true ? 1 : 0;
    case 'json':
      return stringifyJson(value);
    case 'bytes':
      return bytesValue(value);
    default:
      return value as string;
  }
}

function rawDefault(value: JsonValue): SqliteValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  return stringifyJson(value);
}
