import {
  DEFAULT_TIMESTAMP_PRECISION,
  type CatalogField,
  type FieldType,
} from '../catalog/index.js';
import type { RawValue } from '../sources/types.js';
import {
  MAX_EPOCH_MS,
  MIN_EPOCH_MS,
  dateFromDate,
  dateFromText,
  timestampFromEpochMs,
  timestampFromText,
} from './timestamp-text.js';
import { sharedJson } from './canonical-json.js';
import { JsonNumber, jsonNumberOf } from './json-number.js';
import { JsonTextError, parseJson } from './json-reader.js';
import type { JsonValue } from './types.js';
import { decimalConverter, toBigint, toFloat, toInteger } from './number-values.js';
import { ValueError } from './value-error.js';

/** Turns one raw database value of a field into its exported JSON value. */
export type ValueConverter = (raw: RawValue) => JsonValue;

type Convert = (raw: NonNullable<RawValue>, where: string) => JsonValue;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(raw: Uint8Array, where: string): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new ValueError(where, raw, 'is not valid UTF-8 text');
  }
}

function toText(raw: NonNullable<RawValue>, where: string): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return decodeUtf8(raw, where);
  if (typeof raw === 'bigint') return raw.toString();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  throw new ValueError(where, raw, 'is not text');
}

function toBoolean(raw: NonNullable<RawValue>, where: string): boolean {
  switch (raw) {
    case true:
    case 1:
    case 1n:
    case 't':
    case 'true':
      return true;
    case false:
    case 0:
    case 0n:
    case 'f':
    case 'false':
      return false;
    default:
      throw new ValueError(where, raw, 'is not a boolean');
  }
}

/** The `timestamp` converter of a field written with `precision` fractional digits. */
function timestampConverter(precision: number): Convert {
  return (raw, where) => {
    if (typeof raw === 'string') return timestampFromText(raw, where, precision);
    if (raw instanceof Date) return timestampFromEpochMs(raw.getTime(), where, raw, precision);
    if (typeof raw === 'number') return timestampFromEpochMs(raw, where, raw, precision);
    if (typeof raw === 'bigint') {
      const inRange = raw >= BigInt(MIN_EPOCH_MS) && raw <= BigInt(MAX_EPOCH_MS);
      return timestampFromEpochMs(inRange ? Number(raw) : Number.NaN, where, raw, precision);
    }
    throw new ValueError(where, raw, 'is not a timestamp');
  };
}

function toDate(raw: NonNullable<RawValue>, where: string): string {
  if (typeof raw === 'string') return dateFromText(raw, where);
  if (raw instanceof Date) return dateFromDate(raw, where);
  throw new ValueError(where, raw, 'is not a date');
}

function toJson(raw: NonNullable<RawValue>, where: string): JsonValue {
  // The empty array and object are common enough (tags, custom fields) to skip the parser.
  if (raw === '[]') return [];
  if (raw === '{}') return {};
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    const source = typeof raw === 'string' ? raw : decodeUtf8(raw, where);
    try {
      return parseJson(source);
    } catch (error) {
      if (error instanceof JsonTextError) {
        throw new ValueError(where, raw, `is not JSON text Portage can carry: ${error.message}`);
      }
      throw error;
    }
  }
  if (typeof raw === 'bigint') return jsonNumberOf(raw.toString());
  if (!isJsonValue(raw)) throw new ValueError(where, raw, 'is not a JSON value');
  return raw;
}

/** Whether a value a driver parsed (not one of Portage's sources) holds only JSON values. */
function isJsonValue(value: unknown): value is JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null || value instanceof JsonNumber) return true;
      if (Array.isArray(value)) return value.every(isJsonValue);
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      return Object.values(value).every(isJsonValue);
    }
    default:
      return false;
  }
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function toUuid(raw: NonNullable<RawValue>, where: string): string {
  if (raw instanceof Uint8Array && raw.length === 16) {
    const hex = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (typeof raw === 'string') {
    const text = raw.toLowerCase();
    if (UUID_TEXT.test(text)) return text;
  }
  throw new ValueError(where, raw, 'is not a UUID');
}

function toBytes(raw: NonNullable<RawValue>, where: string): string {
  if (raw instanceof Uint8Array) {
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  }
  throw new ValueError(where, raw, 'is not binary data');
}

const CONVERTERS: { readonly [type in Exclude<FieldType, 'decimal' | 'timestamp'>]: Convert } = {
  string: toText,
  integer: toInteger,
  bigint: toBigint,
  float: toFloat,
  boolean: toBoolean,
  date: toDate,
  json: toJson,
  uuid: toUuid,
  bytes: toBytes,
};

/** The converter of a field's non-null values, shaped by its type's parameters. */
function converterOf(field: CatalogField): Convert {
  switch (field.type) {
    case 'decimal':
      return decimalConverter(field.scale ?? 0, field.precision);
    case 'timestamp':
      return timestampConverter(field.precision ?? DEFAULT_TIMESTAMP_PRECISION);
    default:
      return CONVERTERS[field.type];
  }
}

/**
 * Converts one raw database value into the JSON form its catalog type fixes
 * (SPEC §11, §12.1, §12.4), so that every source database gives the same bytes:
 *
 * - `string`: text; binary data is decoded as UTF-8 (invalid UTF-8 fails);
 *   an integer or finite number is written in decimal.
 * - `integer`: a JSON number; beyond ±(2^53−1) fails. Input: safe numbers,
 *   `bigint`, integer text.
 * - `bigint`: a string of decimal digits, exact (leading zeros dropped).
 *   Input: `bigint`, integer text, safe-integer numbers.
 * - `decimal`: a string with exactly the field's `scale` digits after the
 *   point, from the exact text of the value (any notation, a `bigint`, or a
 *   number's shortest round-trip text); a value needing rounding, or with more
 *   digits before the point than `precision − scale`, fails (see {@link decimalConverter}).
 * - `float`: a JSON number, the shortest text that reads back as the same
 *   double; NaN and infinities fail.
 * - `boolean`: from `true`/`false`, `1`/`0`, `1n`/`0n`, `'t'`/`'f'`, `'true'`/`'false'`.
 * - `timestamp`: `YYYY-MM-DDTHH:mm:ss[.f…]Z` in UTC with exactly the field's
 *   `precision` fractional digits (0–6, default 3), from RFC 3339 text (see
 *   {@link timestampFromText}), a `Date`, or epoch milliseconds (number or
 *   `bigint`); a non-zero digit beyond `precision` fails.
 * - `date`: `YYYY-MM-DD` from that text, or from a `Date` at midnight UTC.
 * - `json`: the value of JSON text or UTF-8 bytes, read by {@link parseJson}:
 *   no number passes through a double (an integer keeps every digit, a
 *   decimal its exact value); a number beyond a double's range, a duplicate
 *   key, a lone surrogate or nesting beyond 1000 fails. A value a driver
 *   already parsed is taken as is (every Portage source reads json as text).
 * - `uuid`: lowercase `8-4-4-4-12` text, from UUID text in either case or 16
 *   bytes in stored order.
 * - `bytes`: standard padded base64 (RFC 4648 §4) of binary data.
 *
 * @param where - The field, as `<category>.<field>`, named in every error.
 * @throws {@link ValueError} for a value the type cannot represent exactly, and
 * for null in a field that is not nullable.
 */
export function toJsonValue(field: CatalogField, raw: RawValue, where: string): JsonValue {
  if (raw === null || raw === undefined) {
    if (field.nullable) return null;
    throw new ValueError(where, raw, 'is not allowed: the field is not nullable');
  }
  return converterOf(field)(raw, where);
}

/**
 * Builds the converter of one field, applying the rules of {@link toJsonValue}
 * without looking the field's type up again for every row.
 */
export function compileConverter(field: CatalogField, where: string): ValueConverter {
  const convert = field.type === 'json' ? rememberingJson() : converterOf(field);
  if (field.nullable)
    return (raw) => (raw === null || raw === undefined ? null : convert(raw, where));
  return (raw) => {
    if (raw === null || raw === undefined) {
      throw new ValueError(where, raw, 'is not allowed: the field is not nullable');
    }
    return convert(raw, where);
  };
}

/**
 * Whether the value model writes every value of `type` in a fixed form of
 * digits, signs and separators (numbers, booleans, exact integers and
 * decimals, timestamps, dates): never a character JSON escapes or CSV quotes.
 */
export function hasFixedForm(type: FieldType): boolean {
  return type !== 'string' && type !== 'json';
}

/** Distinct JSON texts one field's converter remembers before it starts afresh. */
const JSON_MEMO_ENTRIES = 1024;
/** Longer JSON texts are parsed every time: they are seldom repeated, and large. */
const JSON_MEMO_MAX_CHARS = 4096;

/**
 * The `json` converter of one field, remembering the values of the texts it
 * has parsed. Such fields repeat a few values across many rows (tags, custom
 * fields, settings); a remembered value is parsed once and, being shared and
 * immutable ({@link sharedJson}), written once too.
 */
function rememberingJson(): Convert {
  const memo = new Map<string, JsonValue>();
  return (raw, where) => {
    if (typeof raw !== 'string' || raw.length > JSON_MEMO_MAX_CHARS) return toJson(raw, where);
    let value = memo.get(raw);
    if (value === undefined) {
      value = sharedJson(toJson(raw, where));
      if (memo.size >= JSON_MEMO_ENTRIES) memo.clear();
      memo.set(raw, value);
    }
    return value;
  };
}

/**
 * Builds the converter of a whole row of a category: raw values aligned with
 * `fields` become a `Row` aligned the same way. Errors name `<category>.<field>`.
 */
export function compileRowConverter(
  category: string,
  fields: readonly CatalogField[],
): (raw: readonly RawValue[]) => JsonValue[] {
  const converters = fields.map((field) => compileConverter(field, `${category}.${field.name}`));
  const count = converters.length;
  return (raw) => {
    if (raw.length !== count) {
      throw new RangeError(`${category}: a row has ${raw.length} values for ${count} fields`);
    }
    const row = new Array<JsonValue>(count);
    for (let i = 0; i < count; i++) {
      row[i] = (converters[i] as ValueConverter)(raw[i] as RawValue);
    }
    return row;
  };
}
