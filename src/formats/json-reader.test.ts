import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyJson } from './canonical-json.js';
import { canonicalNumberText, JsonNumber } from './json-number.js';
import { JsonTextError, MAX_JSON_DEPTH, parseJson } from './json-reader.js';

/** The canonical text of `text` read and written back. */
const roundTrip = (text: string) => stringifyJson(parseJson(text));

describe('parseJson keeps every number exactly', () => {
  it('keeps the digits of integers beyond 2^53', () => {
    expect(roundTrip('{"big": 12345678901234567890}')).toBe('{"big":12345678901234567890}');
    expect(roundTrip('9007199254740993')).toBe('9007199254740993');
    expect(roundTrip('-9223372036854775809')).toBe('-9223372036854775809');
    expect(parseJson('9007199254740993')).toEqual(new JsonNumber('9007199254740993'));
  });

  it('keeps decimals that are no double at their exact value', () => {
    expect(roundTrip('0.1000000000000000055511151231257827')).toBe(
      '0.1000000000000000055511151231257827',
    );
    expect(roundTrip('123456789.123456789123456789')).toBe('123456789.123456789123456789');
  });

  it('gives plain JavaScript numbers where they write the same text', () => {
    expect(parseJson('[0, -0, 1, -42, 1.5, 0.1, 3.14, 9007199254740991]')).toEqual([
      0, 0, 1, -42, 1.5, 0.1, 3.14, 9007199254740991,
    ]);
  });

  it('writes one canonical form for every notation of a value', () => {
    expect(roundTrip('[1e2, 100.0, 1E+2, 10e1, 1000e-1]')).toBe('[100,100,100,100,100]');
    expect(roundTrip('[1.50, 0.0, -0.0, 0e10, 1.5e-10, 1e-7]')).toBe(
      '[1.5,0,0,0,0.00000000015,0.0000001]',
    );
    expect(roundTrip('1e21')).toBe('1000000000000000000000');
    expect(roundTrip('-1.5e300').length).toBe(302);
  });

  it('writes a decimal that is exactly a double as RFC 8785 writes that double', () => {
    // 2^-20 and the exact value of the double nearest 0.1.
    expect(roundTrip('0.00000095367431640625')).toBe('9.5367431640625e-7');
    expect(roundTrip('0.1000000000000000055511151231257827021181583404541015625')).toBe('0.1');
    expect(roundTrip('5e-324')).not.toBe('5e-324');
    expect(canonicalNumberText(exactText(Number.MIN_VALUE))).toBe('5e-324');
  });

  it('refuses a number a double cannot reach', () => {
    expect(() => parseJson('{"x": 1E400}')).toThrow(/a number JSON cannot carry: 1E400 is beyond/);
    expect(() => parseJson('[-1e309]')).toThrow(/cannot carry/);
    expect(() => parseJson('1E-400')).toThrow(/closer to zero than the smallest double/);
    expect(roundTrip('1e308')).toBe('1' + '0'.repeat(308));
  });

  it('reads any number JSON.parse reads exactly the same when it is short', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = JSON.stringify(n);
        const canonical = roundTrip(text);
        expect(Number(canonical)).toBe(n === 0 ? 0 : n);
      }),
    );
  });

  it('keeps every digit of any integer and decimal text', () => {
    const digitText = fc.stringMatching(/^-?[1-9][0-9]{0,40}(\.[0-9]{0,30}[1-9])?$/);
    fc.assert(
      fc.property(digitText, (text) => {
        const canonical = roundTrip(text);
        if (canonical.includes('e')) expect(Number(canonical)).toBe(Number(text));
        else expect(canonical).toBe(text);
        expect(roundTrip(canonical)).toBe(canonical);
      }),
    );
  });
});

describe('parseJson refuses what it cannot carry', () => {
  it('refuses duplicate keys', () => {
    expect(() => parseJson('{"a":1,"a":2}')).toThrow(/duplicate key "a" at offset 7/);
    expect(() => parseJson('{"x":{"a":1,"b":{},"a":1}}')).toThrow(/duplicate key "a"/);
    expect(parseJson('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses lone surrogates, escaped or not', () => {
    expect(() => parseJson('"\\ud800"')).toThrow(/lone surrogate \\ud800/);
    expect(() => parseJson('"\\udc00x"')).toThrow(/lone surrogate/);
    expect(() => parseJson('"\\ud800\\u0041"')).toThrow(/lone surrogate/);
    expect(() => parseJson('"a\ud800"')).toThrow(/lone surrogate/);
    expect(() => parseJson('{"\\udfff":1}')).toThrow(/lone surrogate/);
    expect(parseJson('"\\ud83d\\ude00 \ud83d\ude00"')).toBe('😀 😀');
  });

  it('bounds nesting without exhausting the stack', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(stringifyJson(parseJson(deep(MAX_JSON_DEPTH)))).toBe(deep(MAX_JSON_DEPTH));
    expect(() => parseJson(deep(MAX_JSON_DEPTH + 1))).toThrow(/nesting deeper than 1000/);
    expect(() => parseJson('{"a":'.repeat(200_000))).toThrow(/nesting deeper/);
  });

  it('reads a record whose json field nests as deeply as a value may: one level more', () => {
    const record = `{"doc":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(() => parseJson(record)).toThrow(/nesting deeper than 1000/);
    expect(stringifyJson(parseJson(record, MAX_JSON_DEPTH + 1))).toBe(record);
  });

  it('refuses what RFC 8259 does not allow', () => {
    for (const text of [
      '',
      ' ',
      '{a:1}',
      "'a'",
      '01',
      '1.',
      '.5',
      '+1',
      '1e',
      '[1,]',
      '{"a":1,}',
      'NaN',
      'Infinity',
      '-',
      '"\u0001"',
      '"\\x41"',
      '"\\u12"',
      '[1] x',
      'tru',
      '"open',
    ]) {
      expect(() => parseJson(text), text).toThrow(SyntaxError);
    }
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const value = parseJson('{"__proto__":{"polluted":true},"a":1}');
    expect(Object.keys(value as object)).toEqual(['__proto__', 'a']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(stringifyJson(value)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('reads what JSON.parse reads, to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ noUnicodeString: false }), (value) => {
        const text = JSON.stringify(value);
        expect(JSON.parse(roundTrip(text))).toEqual(JSON.parse(text));
      }),
    );
  });
});

/** The exact decimal expansion of a positive double below 1. */
function exactText(n: number): string {
  let scaled = BigInt(0);
  let k = 0;
  let rest = n;
  while (rest !== 0) {
    rest *= 2;
    k++;
    const bit = rest >= 1 ? 1 : 0;
    scaled = scaled * 2n + BigInt(bit);
    rest -= bit;
  }
  const digits = (scaled * 5n ** BigInt(k)).toString().padStart(k, '0');
  return `0.${digits}`;
}

describe('parseJson reads each key as written, whatever the objects before it held', () => {
  // The reader tries the key read last at the same place first: each case
  // reads `before`, then checks that `after` is read as if alone.
  it.each([
    ['a longer key that starts with the one before', '{"id":1}', '{"idx":2}', { idx: 2 }],
    ['a shorter key that starts the one before', '{"idx":1}', '{"id":2}', { id: 2 }],
    ['the same key escaped', '{"name":1}', '{"n\\u0061me":2}', { name: 2 }],
    ['keys in another order', '{"a":1,"b":2}', '{"b":3,"a":4}', { b: 3, a: 4 }],
    ['a nested object at the same place', '{"a":{"b":1}}', '{"b":{"a":2}}', { b: { a: 2 } }],
    ['a surrogate pair in the key', '{"\u{1F600}":1}', '{"\u{1F600}":2}', { '\u{1F600}': 2 }],
  ])('%s', (_, before, after, expected) => {
    parseJson(before);
    expect(parseJson(after)).toEqual(expected);
  });

  it('refuses after an escaped key what it refuses alone', () => {
    // `"a\"b"` is the key a"b; the text `"a"b"` is no key at all.
    expect(parseJson('{"a\\"b":1}')).toEqual({ 'a"b': 1 });
    expect(() => parseJson('{"a"b":1}')).toThrow(JsonTextError);
    parseJson('{"a":1}');
    expect(() => parseJson('{"a":1,"a":2}')).toThrow('duplicate key "a"');
  });

  it('reads any sequence of objects as JSON.parse reads each alone', () => {
    const keys = fc.constantFrom(
      'id',
      'idx',
      'i',
      'name',
      'nam',
      'a"b',
      'a\\b',
      'é',
      '\u{1F600}',
      '',
    );
    const record = fc.dictionary(keys, fc.oneof(fc.boolean(), fc.string(), fc.integer()), {
      maxKeys: 6,
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (records) => {
        for (const r of records) {
          const text = JSON.stringify(r);
          expect(parseJson(text)).toEqual(JSON.parse(text));
        }
      }),
    );
  });
});
