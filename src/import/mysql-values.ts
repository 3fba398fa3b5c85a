import { stringifyJson, type JsonValue } from '../formats/index.js';
import { bytesValue } from './bytes-value.js';
import type { MysqlColumnType } from './mysql-column-types.js';
import type { ImportColumn } from './platform-writer.js';

/** A value `mysql2` escapes into a statement. */
export type MysqlValue = string | number | Buffer | null;

/**
 * The inverse of the export's value model for MySQL and MariaDB, by the
 * column's type where the catalog type alone does not say: integers and
 * bigints as decimal text (see {@link mysqlPlaceholder}), decimals and dates
 * as their text, timestamps from RFC 3339 UTC text to `YYYY-MM-DD HH:MM:SS.f`
 * (the session runs at `+00:00`, so a DATETIME and a TIMESTAMP both store
 * that instant), booleans as 1/0 (`TINYINT(1)`), JSON as canonical JSON text
 * (in a `SET` column: the array's members joined by commas), `uuid` as its 16
 * bytes in a `BINARY(16)` column and as its text otherwise (`CHAR(36)`),
 * `bytes` from base64, `null` as NULL. A non-nullable `json` field keeps JSON
 * `null` as the text `null`.
 */
export function toMysqlValue(
  column: ImportColumn,
  type: MysqlColumnType | undefined,
  value: JsonValue,
): MysqlValue {
  const field = column.field;
  if (field === null) return rawDefault(value);
  if (value === null && (field.nullable || field.type !== 'json')) return null;
  switch (field.type) {
    case 'integer':
    case 'bigint':
      return typeof value === 'number' ? String(value) : (value as string);
    case 'boolean':
      return value === true ? 1 : 0;
    case 'json':
      return type?.dataType === 'set' ? (value as string[]).join(',') : stringifyJson(value);
    case 'bytes':
      return bytesValue(value);
    case 'uuid':
      return isBinaryUuid(type)
        ? Buffer.from((value as string).replaceAll('-', ''), 'hex')
        : (value as string);
    case 'timestamp':
      return datetimeText(value as string);
    default:
      return value as string | number;
  }
}

/**
 * The SQL text standing for one value: `?` (escaped by the driver), except an
 * integer, written as its literal. A quoted number compared with an integer
 * column is compared as a double in MySQL, which would match the wrong row
 * beyond 2^53; the literal is exact.
 */
export function mysqlPlaceholder(column: ImportColumn, value: MysqlValue): string {
  const type = column.field?.type;
  if ((type === 'integer' || type === 'bigint') && typeof value === 'string') {
    if (!/^-?\d+$/.test(value)) throw new Error(`"${column.name}": ${value} is not an integer.`);
    return value;
  }
  return '?';
}

/** Whether a column holds UUIDs as their 16 bytes. */
function isBinaryUuid(type: MysqlColumnType | undefined): boolean {
  return type !== undefined && type.columnType === 'binary(16)';
}

/** `2024-02-29T10:11:12.123Z` as `2024-02-29 10:11:12.123`, which every MySQL and MariaDB parses. */
function datetimeText(text: string): string {
  return text.replace('T', ' ').replace(/Z$/, '');
}

function rawDefault(value: JsonValue): MysqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  return stringifyJson(value);
}
