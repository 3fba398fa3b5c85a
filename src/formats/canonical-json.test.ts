import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyJson } from './canonical-json.js';
import { JsonNumber } from './json-number.js';
import type { JsonValue } from './types.js';

describe('stringifyJson', () => {
  it('sorts keys at every depth, integer-like keys included', () => {
    const value = { b: 1, a: { '10': true, '2': false, z: null, '1': [{ y: 1, x: 2 }] } };
    expect(stringifyJson(value)).toBe(
      '{"a":{"1":[{"x":2,"y":1}],"10":true,"2":false,"z":null},"b":1}',
    );
  });

  it('sorts by UTF-16 code units: the RFC 8785 §3.2.3 example', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(stringifyJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('escapes only quote, backslash and control characters, in JCS form', () => {
    expect(stringifyJson('"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é😀')).toBe(
      '"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028é😀"',
    );
  });

  it('writes lone surrogates as lowercase escapes that parse back to the same string', () => {
    expect(stringifyJson('a\ud800b\udfff')).toBe('"a\\ud800b\\udfff"');
    expect(JSON.parse(stringifyJson({ k: '\udc00' }))).toEqual({ k: '\udc00' });
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3), and JsonNumbers as their text', () => {
    const cases: [JsonValue, string][] = [
      [0, '0'],
      [-0, '0'],
      [1e21, '1e+21'],
      [new JsonNumber('12345678901234567890'), '12345678901234567890'],
      [
        new JsonNumber('0.1000000000000000055511151231257827'),
        '0.1000000000000000055511151231257827',
      ],
      [1e-7, '1e-7'],
      [123456789012345680000, '123456789012345680000'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-1.5, '-1.5'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      [5e-324, '5e-324'],
    ];
    for (const [value, text] of cases) expect(stringifyJson(value)).toBe(text);
  });

  it('refuses values JSON cannot hold', () => {
    for (const value of [
      Number.NaN,
      Infinity,
      undefined,
      1n,
      new Date(0),
      Buffer.from('x'),
      [undefined],
    ]) {
      expect(() => stringifyJson(value as unknown as JsonValue)).toThrow(TypeError);
    }
  });

  it('gives back the value through JSON.parse, whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = stringifyJson(value as JsonValue);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(stringifyJson(reversed(value as JsonValue))).toBe(text);
      }),
    );
  });

  it('agrees with JSON.stringify of a sorted copy when no key is integer-like', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!hasIntegerLikeKey(value as JsonValue));
        const expected = JSON.stringify(sortedCopy(value as JsonValue));
        expect(stringifyJson(value as JsonValue)).toBe(expected);
      }),
    );
  });
});

/** The same value with every object's keys inserted in reverse order. */
function reversed(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object' || value instanceof JsonNumber) return value;
  // A null prototype, so that a "__proto__" key stays a key.
  const copy = Object.create(null) as { [key: string]: JsonValue };
  for (const key of Object.keys(value).reverse()) copy[key] = reversed(value[key] as JsonValue);
  return copy;
}

/** A copy with keys inserted in sorted order. */
function sortedCopy(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object' || value instanceof JsonNumber) return value;
  // A null prototype, so that a "__proto__" key stays a key.
  const copy = Object.create(null) as { [key: string]: JsonValue };
  for (const key of Object.keys(value).sort()) copy[key] = sortedCopy(value[key] as JsonValue);
  return copy;
}

/** Whether some object key is one JS engines list first, in numeric order. */
function hasIntegerLikeKey(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(hasIntegerLikeKey);
  if (value === null || typeof value !== 'object' || value instanceof JsonNumber) return false;
  return Object.entries(value).some(
    ([key, inner]) => /^(0|[1-9]\d*)$/.test(key) || hasIntegerLikeKey(inner),
  );
}
