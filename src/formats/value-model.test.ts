import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogField, FieldType } from '../catalog/index.js';
import { stringifyJson } from './canonical-json.js';
import { parseJson } from './json-reader.js';
import { ValueError } from './value-error.js';
import { compileConverter, compileRowConverter, toJsonValue } from './value-model.js';
import { testField } from '../../test/support/catalog-fixtures.js';

function field(type: FieldType, nullable = false): CatalogField {
  return testField({ name: 'value', type, nullable });
}

const where = 'tasks.value';
const convert = (type: FieldType, raw: Parameters<typeof toJsonValue>[1]) =>
  toJsonValue(field(type), raw, where);

describe('null', () => {
  it('is null in a nullable field, in every type', () => {
    for (const type of ['string', 'integer', 'json', 'timestamp'] as const) {
      expect(toJsonValue(field(type, true), null, where)).toBeNull();
      expect(compileConverter(field(type, true), where)(null)).toBeNull();
    }
  });

  it('fails a field that is not nullable, naming it', () => {
    expect(() => convert('string', null)).toThrow(/^tasks\.value: value null .*not nullable/);
    expect(() => compileConverter(field('integer'), where)(null)).toThrow(
      /tasks\.value.*not nullable/,
    );
  });
});

describe('string', () => {
  it('keeps text and decodes UTF-8 bytes', () => {
    expect(convert('string', 'a,"b"\r\n')).toBe('a,"b"\r\n');
    expect(convert('string', Buffer.from('héllo ☃ 😀', 'utf8'))).toBe('héllo ☃ 😀');
    expect(convert('string', Buffer.from('\uFEFFx', 'utf8'))).toBe('\uFEFFx');
  });

  it('fails bytes that are not UTF-8 instead of replacing them', () => {
    expect(() => convert('string', Buffer.from([0x61, 0xff]))).toThrow(/not valid UTF-8/);
  });

  it('writes integers in decimal', () => {
    expect(convert('string', 12n)).toBe('12');
    expect(convert('string', 12)).toBe('12');
  });
});

describe('integer', () => {
  const max = Number.MAX_SAFE_INTEGER;

  it('is a JSON number from numbers, bigints and text', () => {
    expect(convert('integer', 42n)).toBe(42);
    expect(convert('integer', -7)).toBe(-7);
    expect(convert('integer', '123')).toBe(123);
    expect(convert('integer', '-123')).toBe(-123);
  });

  it('holds exactly ±(2^53−1) and fails one beyond, naming field and value', () => {
    expect(convert('integer', BigInt(max))).toBe(max);
    expect(convert('integer', -BigInt(max))).toBe(-max);
    expect(convert('integer', String(max))).toBe(max);
    expect(convert('integer', max)).toBe(max);
    for (const raw of [BigInt(max) + 1n, -BigInt(max) - 1n, '9007199254740992', 2 ** 53]) {
      expect(() => convert('integer', raw)).toThrow(ValueError);
      expect(() => convert('integer', raw)).toThrow(
        /^tasks\.value: value .*900719925474099[23].* beyond/,
      );
    }
  });

  it('fails non-integers', () => {
    for (const raw of [1.5, '1.5', '1e3', 'abc', '', true, Number.NaN, new Date(0)]) {
      expect(() => convert('integer', raw)).toThrow(/is not an integer/);
    }
  });
});

describe('bigint', () => {
  it('is an exact string, never through a float', () => {
    expect(convert('bigint', 12345678901234567890n)).toBe('12345678901234567890');
    expect(convert('bigint', '-12345678901234567890123')).toBe('-12345678901234567890123');
    expect(convert('bigint', 42)).toBe('42');
    expect(convert('bigint', '007')).toBe('7');
    expect(convert('bigint', '-0')).toBe('0');
  });

  it('fails numbers that may already have lost precision, and non-integers', () => {
    for (const raw of [2 ** 53, 1.5, '1.0', ' 1', 'x']) {
      expect(() => convert('bigint', raw)).toThrow(ValueError);
    }
  });
});

describe('decimal', () => {
  const decimal =
    (scale: number, precision: number | null = null) =>
    (raw: unknown) =>
      toJsonValue(
        testField({ name: 'value', type: 'decimal', scale, precision }),
        raw as Parameters<typeof toJsonValue>[1],
        where,
      );

  it('writes exactly the declared scale, whatever the database printed', () => {
    const two = decimal(2);
    expect(two('12.50')).toBe('12.50');
    expect(two('12.5')).toBe('12.50');
    expect(two('82472')).toBe('82472.00');
    expect(two(82472n)).toBe('82472.00');
    expect(two(0.1)).toBe('0.10');
    expect(two('0.100000')).toBe('0.10');
    expect(two('1.5E3')).toBe('1500.00');
    expect(two('-0.00')).toBe('0.00');
    expect(two(-0)).toBe('0.00');
    expect(two('-.5')).toBe('-0.50');
    expect(two('007.1')).toBe('7.10');
    expect(decimal(0)('12')).toBe('12');
    expect(decimal(0)('12.000')).toBe('12');
    expect(decimal(9)('123456789012345678901234567890.123456789')).toBe(
      '123456789012345678901234567890.123456789',
    );
    expect(decimal(21)('-0.000000000000000000001')).toBe('-0.000000000000000000001');
    expect(decimal(2)(10n ** 30n)).toBe('1' + '0'.repeat(30) + '.00');
  });

  it('fails a value that would need rounding, naming the scale', () => {
    expect(() => decimal(2)('0.125')).toThrow(
      /^tasks\.value: value "0\.125" has more than 2 digits after the point \(the field's scale\): it would need rounding$/,
    );
    expect(() => decimal(2)(0.1 + 0.2)).toThrow(/would need rounding/);
    expect(() => decimal(0)('1.5')).toThrow(/would need rounding/);
    expect(() => decimal(2)(1e-7)).toThrow(/would need rounding/);
  });

  it('fails a value with more digits before the point than the precision leaves', () => {
    const money = decimal(2, 5);
    expect(money('999.99')).toBe('999.99');
    expect(money('-999.99')).toBe('-999.99');
    expect(money('0.99')).toBe('0.99');
    expect(() => money('1000.00')).toThrow(
      /has 4 digits before the point; precision 5 with scale 2 holds 3/,
    );
    expect(() => money('1e3')).toThrow(/has 4 digits before the point/);
    expect(decimal(2, 2)('0.50')).toBe('0.50');
    expect(() => decimal(2, 2)('1.00')).toThrow(/holds 0/);
  });

  it('fails what is no finite decimal number', () => {
    for (const raw of [Number.NaN, Infinity, 'NaN', 'Infinity', '1,5', ' 1', '', '.', '-', '1e']) {
      expect(() => decimal(2)(raw)).toThrow(/not an exact decimal/);
    }
    expect(() => decimal(2)('1e999999999')).toThrow(/too large or too small/);
  });
});

describe('float', () => {
  it('is the shortest text that reads back as the same double', () => {
    expect(convert('float', 0.1)).toBe(0.1);
    expect(convert('float', '1e-07')).toBe(1e-7);
    expect(convert('float', '-0')).toBe(0);
    expect(convert('float', 2n ** 60n)).toBe(2 ** 60);
    expect(stringifyJson(convert('float', 1e300))).toBe('1e+300');
  });

  it('refuses NaN, infinities and what is no number', () => {
    for (const raw of [Number.NaN, -Infinity, 'NaN', 'Infinity', '-Infinity', '', ' 1', 'x']) {
      expect(() => convert('float', raw)).toThrow(/not a finite number/);
    }
    expect(() => convert('float', 2n ** 60n + 1n)).toThrow(/no double holds exactly/);
  });
});

describe('uuid and bytes', () => {
  it('gives lowercase 8-4-4-4-12 text from text and from 16 bytes in stored order', () => {
    const text = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    expect(convert('uuid', text.toUpperCase())).toBe(text);
    expect(convert('uuid', Buffer.from(text.replaceAll('-', ''), 'hex'))).toBe(text);
    for (const raw of ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', `{${text}}`, Buffer.alloc(15), 1]) {
      expect(() => convert('uuid', raw)).toThrow(/is not a UUID/);
    }
  });

  it('gives standard padded base64 of binary data', () => {
    expect(convert('bytes', Buffer.from([0xfb, 0xff]))).toBe('+/8=');
    expect(convert('bytes', Buffer.alloc(0))).toBe('');
    expect(() => convert('bytes', 'text')).toThrow(/not binary data/);
  });
});

describe('boolean', () => {
  it('reads every driver spelling', () => {
    for (const raw of [true, 1, 1n, 't', 'true']) expect(convert('boolean', raw)).toBe(true);
    for (const raw of [false, 0, 0n, 'f', 'false']) expect(convert('boolean', raw)).toBe(false);
  });

  it('fails anything else', () => {
    for (const raw of [2, 'yes', 'T', '', -1n]) {
      expect(() => convert('boolean', raw)).toThrow(/not a boolean/);
    }
  });
});

describe('timestamp', () => {
  it('is the same text from RFC 3339 text, a Date, epoch ms as number or bigint', () => {
    const expected = '2024-03-05T07:08:09.123Z';
    const ms = Date.UTC(2024, 2, 5, 7, 8, 9, 123);
    for (const raw of [
      '2024-03-05 08:08:09.123000+01',
      '2024-03-05T07:08:09.123Z',
      new Date(ms),
      ms,
      BigInt(ms),
    ]) {
      expect(convert('timestamp', raw)).toBe(expected);
    }
  });

  it('agrees with Date for any instant written with any offset', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-02T00:00:00Z'),
          max: new Date('9999-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.constantFrom('T', ' '),
        fc.constantFrom('colon', 'compact'),
        (date, offsetMinutes, separator, style) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString();
          const sign = offsetMinutes < 0 ? '-' : '+';
          const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
          const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
          const zone = style === 'colon' ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
          const text = local.slice(0, 10) + separator + local.slice(11, 23) + '789' + zone;
          const micros = testField({ name: 'value', type: 'timestamp', precision: 6 });
          expect(toJsonValue(micros, text, where)).toBe(date.toISOString().replace('Z', '789Z'));
          expect(() => convert('timestamp', text)).toThrow(/beyond the 3 the field declares/);
        },
      ),
    );
  });

  it('fails an invalid Date and a value of another kind', () => {
    expect(() => convert('timestamp', new Date(Number.NaN))).toThrow(ValueError);
    expect(() => convert('timestamp', true)).toThrow(/not a timestamp/);
  });
});

describe('date', () => {
  it('reads text and midnight-UTC Dates', () => {
    expect(convert('date', '2024-03-05')).toBe('2024-03-05');
    expect(convert('date', new Date(Date.UTC(2024, 2, 5)))).toBe('2024-03-05');
    expect(() => convert('date', 20240305)).toThrow(/not a date/);
  });
});

describe('json', () => {
  it('parses JSON text and bytes, and keeps driver-parsed values', () => {
    expect(convert('json', '{"b":1,"a":[true,null,"x"]}')).toEqual({ b: 1, a: [true, null, 'x'] });
    expect(convert('json', Buffer.from('["é"]'))).toEqual(['é']);
    expect(convert('json', '"text"')).toBe('text');
    expect(convert('json', { tags: ['a'], n: 1.5 })).toEqual({ tags: ['a'], n: 1.5 });
    expect(convert('json', false)).toBe(false);
    expect(convert('json', 5n)).toBe(5);
  });

  it('fails text that is not JSON and objects that are not JSON values', () => {
    expect(() => convert('json', '{a:1}')).toThrow(
      /tasks\.value: value "\{a:1\}" is not JSON text/,
    );
    expect(() => convert('json', { when: new Date(0) })).toThrow(/not a JSON value/);
    expect(() => convert('json', [Number.NaN])).toThrow(/not a JSON value/);
  });

  it('keeps every digit of the numbers inside, and refuses what JSON cannot carry', () => {
    const write = (raw: string) => stringifyJson(convert('json', raw));
    expect(write('{"big": 12345678901234567890, "n": 9007199254740993}')).toBe(
      '{"big":12345678901234567890,"n":9007199254740993}',
    );
    expect(write('[0.1000000000000000055511151231257827]')).toBe(
      '[0.1000000000000000055511151231257827]',
    );
    expect(stringifyJson(convert('json', 12345678901234567890n))).toBe('12345678901234567890');
    expect(() => convert('json', '{"x":1E400}')).toThrow(
      /tasks\.value: value "\{\\"x\\":1E400\}" is not JSON text Portage can carry: a number JSON cannot carry: 1E400/,
    );
    expect(() => convert('json', '{"a":1,"a":2}')).toThrow(/duplicate key "a"/);
    expect(() => convert('json', '["\\udc00"]')).toThrow(/lone surrogate/);
  });

  it('shares one immutable value among rows holding the same text, written as a fresh parse is', () => {
    const converter = compileConverter(field('json'), where);
    const text = '{"b":[2,1],"a":{"d":1.50,"c":"x"}}';
    const first = converter(text);
    expect(converter(text)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => (first as { b: number[] }).b.push(3)).toThrow(TypeError);
    expect(stringifyJson(first)).toBe(stringifyJson(parseJson(text)));
    expect(stringifyJson(first)).toBe('{"a":{"c":"x","d":1.5},"b":[2,1]}');
  });

  it('gives the same values however many distinct texts it has seen', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3000 }), (values) => {
        const converter = compileConverter(field('json'), where);
        const texts = values.map((v) => JSON.stringify(v));
        // Every text twice, far apart, so that some are remembered and some forgotten.
        for (const text of [...texts, ...texts]) {
          expect(stringifyJson(converter(text))).toBe(stringifyJson(parseJson(text)));
        }
      }),
      { numRuns: 5 },
    );
  });
});

describe('errors', () => {
  it('truncate long values in the message', () => {
    const long = 'x'.repeat(10_000);
    try {
      convert('integer', long);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValueError);
      expect((error as ValueError).where).toBe(where);
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });
});

describe('compileRowConverter', () => {
  it('converts a row field by field, naming category and field on failure', () => {
    const toRow = compileRowConverter('tasks', [
      testField({ name: 'id', type: 'integer', nullable: false, description: '' }),
      testField({ name: 'estimate', type: 'integer', nullable: true, description: '' }),
      testField({ name: 'tags', type: 'json', nullable: true, description: '' }),
    ]);
    expect(toRow([1n, null, '["a"]'])).toEqual([1, null, ['a']]);
    expect(() => toRow([1n, 2n ** 60n, null])).toThrow(
      /^tasks\.estimate: value 1152921504606846976n/,
    );
    expect(() => toRow([1n])).toThrow(RangeError);
  });
});
