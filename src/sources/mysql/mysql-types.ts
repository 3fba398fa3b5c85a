import type { TypeCast } from 'mysql2';
import type { RawValue } from '../types.js';

/** The `SET` column flag of the MySQL protocol. */
const SET_FLAG = 2048;
/** The character set number of binary strings. */
const BINARY_CHARSET = 63;
/** Protocol column types that hold strings: text or bytes, by their character set. */
const STRING_TYPES = new Set([15, 245, 247, 248, 249, 250, 251, 252, 253, 254]);

/** What a result column's metadata says about its values. */
export interface ColumnShape {
  readonly columnType?: number;
  readonly characterSet?: number;
  readonly flags?: number | string[];
}

/** How one column's values are read. */
type ColumnKind = 'text' | 'bytes' | 'set' | 'other';

function kindOf(column: ColumnShape): ColumnKind {
  if (!STRING_TYPES.has(column.columnType ?? 0)) return 'other';
  if (typeof column.flags === 'number' && (column.flags & SET_FLAG) !== 0) return 'set';
  return column.characterSet === BINARY_CHARSET ? 'bytes' : 'text';
}

/** Whether a result column holds text (a non-binary character set), which orders by its bytes. */
export function isTextColumn(column: ColumnShape): boolean {
  const kind = kindOf(column);
  return kind === 'text' || kind === 'set';
}

/**
 * How each MySQL value reaches the value model, in the forms the other sources
 * give: integers as numbers (a BIGINT beyond ±(2^53−1) as its exact text),
 * DECIMAL as its exact text, DATETIME, TIMESTAMP and DATE as their text (the
 * session runs at `+00:00`, and zoneless text means UTC), text — JSON
 * included, never parsed — as strings, binary strings as bytes, and a `SET` as
 * the JSON text of the array of its members. The driver's per-value callback
 * cannot see a column's character set or flags, so they come from the
 * metadata of the same query (`columns`, by name).
 */
export function mysqlTypeCast(columns: ReadonlyMap<string, ColumnShape>): TypeCast {
  const kinds = new Map([...columns].map(([name, shape]) => [name, kindOf(shape)]));
  return (field, next) => {
    switch (field.type) {
      case 'LONGLONG': {
        const text = field.string();
        if (text === null) return null;
        const value = Number(text);
        return Number.isSafeInteger(value) ? value : text;
      }
      case 'NEWDECIMAL':
      case 'DECIMAL':
      case 'DATETIME':
      case 'TIMESTAMP':
      case 'DATE':
      case 'JSON':
        return field.string();
      default:
        break;
    }
    switch (kinds.get(field.name)) {
      case 'text':
        return field.string();
      case 'bytes':
        return field.buffer();
      case 'set':
        return setMembers(field.string());
      default:
        return next() as RawValue;
    }
  };
}

/** A SET value (`a,b`) as the JSON text of the array of its members. */
function setMembers(text: string | null): string | null {
  if (text === null) return null;
  return JSON.stringify(text === '' ? [] : text.split(','));
}
