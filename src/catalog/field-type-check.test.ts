import { describe, expect, it } from 'vitest';
import { testCategory, testField } from '../../test/support/catalog-fixtures.js';
import { checkFieldTypes } from './field-type-check.js';
import type { Catalog, CatalogField } from './types.js';

/** The problems `check` finds for one field over a column of `type` in `dialect`. */
function problemsOf(field: CatalogField, type: string, dialect: string): string[] {
  const catalog = {
    categories: [testCategory({ name: 'things', fields: [field] })],
  } as unknown as Catalog;
  return checkFieldTypes(catalog, [{ table: 'things', column: field.name, type }], dialect).map(
    (p) => p.problem,
  );
}

const CASES: [string, CatalogField, string, string, RegExp | null][] = [
  [
    'a 6-digit timestamptz declared precision 3',
    testField({ name: 'at', type: 'timestamp' }),
    'timestamp with time zone',
    'postgres',
    /holds 6 fractional-second digits, the field declares precision 3/,
  ],
  [
    'a timestamp(3) declared precision 3',
    testField({ name: 'at', type: 'timestamp' }),
    'timestamp(3) with time zone',
    'postgres',
    null,
  ],
  [
    'a DATETIME(6) declared precision 3',
    testField({ name: 'at', type: 'timestamp' }),
    'datetime(6)',
    'mysql',
    /declare precision 6/,
  ],
  [
    'a DATETIME declared precision 0',
    testField({ name: 'at', type: 'timestamp', precision: 0 }),
    'datetime',
    'mysql',
    null,
  ],
  [
    'a bigint declared integer',
    testField({ name: 'n', type: 'integer' }),
    'bigint',
    'postgres',
    /declare it `bigint`/,
  ],
  [
    'a BIGINT(20) declared integer',
    testField({ name: 'n', type: 'integer' }),
    'bigint(20)',
    'mysql',
    /declare it `bigint`/,
  ],
  ['an int declared integer', testField({ name: 'n', type: 'integer' }), 'int(11)', 'mysql', null],
  [
    'SQLite INTEGER declared integer',
    testField({ name: 'n', type: 'integer' }),
    'INTEGER',
    'sqlite',
    null,
  ],
  [
    'a numeric(14,2) declared scale 4',
    testField({ name: 'd', type: 'decimal', scale: 4 }),
    'numeric(14,2)',
    'postgres',
    /scale is 2, the field declares scale 4/,
  ],
  [
    'a DECIMAL(14,2) declared scale 2',
    testField({ name: 'd', type: 'decimal', scale: 2 }),
    'decimal(14,2)',
    'mysql',
    null,
  ],
  [
    'an unconstrained numeric declared decimal',
    testField({ name: 'd', type: 'decimal', scale: 2 }),
    'numeric',
    'postgres',
    /any scale/,
  ],
  [
    'a numeric(20,2) declared precision 10',
    testField({ name: 'd', type: 'decimal', scale: 2, precision: 10 }),
    'numeric(20,2)',
    'postgres',
    /declare precision 20/,
  ],
  [
    'a float declared decimal',
    testField({ name: 'd', type: 'decimal', scale: 2 }),
    'double precision',
    'postgres',
    /declare it `float`/,
  ],
  [
    'a SQLite REAL declared decimal',
    testField({ name: 'd', type: 'decimal', scale: 2 }),
    'REAL',
    'sqlite',
    /declare it `float`/,
  ],
  ['a text column declared uuid', testField({ name: 'u', type: 'uuid' }), 'text', 'postgres', null],
  [
    'a BINARY(16) declared uuid',
    testField({ name: 'u', type: 'uuid' }),
    'binary(16)',
    'mysql',
    null,
  ],
  [
    'a BINARY(8) declared uuid',
    testField({ name: 'u', type: 'uuid' }),
    'binary(8)',
    'mysql',
    /16-byte/,
  ],
  [
    'an integer[] declared json',
    testField({ name: 'a', type: 'json' }),
    'integer[]',
    'postgres',
    /PostgreSQL array is not a JSON value/,
  ],
  [
    'an integer[] declared string',
    testField({ name: 'a', type: 'string' }),
    'integer[]',
    'postgres',
    null,
  ],
  [
    'a bytea declared string',
    testField({ name: 'b', type: 'string' }),
    'bytea',
    'postgres',
    /cannot be carried by a `string` field/,
  ],
  [
    'a text column declared bytes',
    testField({ name: 'b', type: 'bytes' }),
    'TEXT',
    'sqlite',
    /not binary data/,
  ],
  ['a jsonb declared json', testField({ name: 'j', type: 'json' }), 'jsonb', 'postgres', null],
  [
    'a date declared timestamp',
    testField({ name: 'd', type: 'timestamp' }),
    'date',
    'postgres',
    /date column cannot be carried by a `timestamp` field/,
  ],
];

describe('checkFieldTypes', () => {
  for (const [name, field, type, dialect, expected] of CASES) {
    it(`${expected === null ? 'accepts' : 'refuses'} ${name}`, () => {
      const problems = problemsOf(field, type, dialect);
      if (expected === null) expect(problems).toEqual([]);
      else expect(problems).toEqual([expect.stringMatching(expected)]);
    });
  }
});
