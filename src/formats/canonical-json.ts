import { JsonNumber } from './json-number.js';
import type { JsonValue } from './types.js';

/**
 * Writes a JSON value in the canonical form of RFC 8785 (JCS), at every depth:
 *
 * - object keys sorted by their UTF-16 code units, whatever order the object
 *   holds them in (JS engines list integer-like keys such as `"2"` before `"10"`
 *   and before every other key; that order is never trusted here);
 * - a JavaScript number as ECMAScript `Number#toString` writes it (`-0` as
 *   `0`); `NaN` and infinities are not JSON and throw;
 * - a {@link JsonNumber} as its canonical text (an integer beyond what a
 *   double holds, or a decimal's exact digits), so no number read by
 *   `parseJson` is rounded;
 * - strings with only `"`, `\` and control characters below U+0020 escaped,
 *   as `\b \f \n \r \t` or `\u00xx` (lowercase hex); every other character,
 *   U+007F and U+2028/U+2029 included, is written as itself;
 * - a lone surrogate (not valid Unicode, so outside what RFC 8785 accepts) is
 *   written as a `\udxxx` escape, as `JSON.stringify` does: the text stays
 *   valid UTF-8 and `JSON.parse` gives back the very same string;
 * - no whitespace.
 *
 * @throws TypeError for a value JSON cannot hold (`undefined`, a function, a
 * `bigint`, a non-finite number, or an object that is not a plain object or array).
 */
export function stringifyJson(value: JsonValue): string {
  if (typeof value === 'object' && value !== null) {
    const known = canonicalTexts.get(value);
    if (known !== undefined) return known;
  }
  return write(value);
}

/** The shortest round-trip form of a finite number, as JSON writes it (`-0` as `0`). */
function writeNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
  return String(value);
}

/**
 * The canonical text of the values {@link sharedJson} returned: such a value
 * cannot change, so its text is written once however many records hold it.
 */
const canonicalTexts = new WeakMap<object, string>();

/**
 * Makes `value` deeply immutable (frozen at every depth) and returns it, so
 * that one parsed value can be handed to many records; {@link stringifyJson}
 * then writes its canonical text once and reuses it.
 */
export function sharedJson<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    deepFreeze(value);
    canonicalTexts.set(value, write(value));
  }
  return value;
}

function deepFreeze(value: JsonValue): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  if (value instanceof JsonNumber) return;
  Object.freeze(value);
  const items: readonly JsonValue[] = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) deepFreeze(item);
}

function write(value: JsonValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return writeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof JsonNumber) return value.text;
      return Array.isArray(value) ? stringifyArray(value) : stringifyObject(value);
    default:
      throw new TypeError(`a ${typeof value} is not a JSON value`);
  }
}

function stringifyArray(items: readonly JsonValue[]): string {
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ',';
    text += write(items[i] as JsonValue);
  }
  return text + ']';
}

function stringifyObject(object: { readonly [key: string]: JsonValue }): string {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`a ${Object.prototype.toString.call(object)} is not a JSON value`);
  }
  // Array#sort without a comparator orders strings by UTF-16 code units, as RFC 8785 §3.2.3 requires.
  const keys = Object.keys(object).sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) text += ',';
    text += JSON.stringify(key) + ':' + write(object[key] as JsonValue);
  }
  return text + '}';
}
