import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogField, FieldType, IncludedCategory } from '../catalog/index.js';
import { CsvEncoder } from './csv-encoder.js';
import type { CsvOptions, EncoderContext, FormatEncoder, JsonValue, Row } from './types.js';
import { testField } from '../../test/support/catalog-fixtures.js';

function fields(...types: FieldType[]): CatalogField[] {
  return types.map((type, i) => testField({ name: `f${i}`, type, nullable: true }));
}

function context(list: CatalogField[], csv: Partial<CsvOptions> = {}): EncoderContext {
  const category: IncludedCategory = {
    included: true,
    name: 'things',
    title: 'Things',
    description: 'Things.',
    source: { kind: 'table', table: 'things', tenantColumn: 'tenant_id', through: [] },
    primaryKey: ['f0'],
    fields: list,
    excludedFields: [],
    references: [],
    tabular: true,
    files: null,
    account: null,
    platformOwned: false,
  };
  return {
    category,
    fields: list,
    tenant: 'acme',
    catalogVersion: '1',
    csv: { bom: false, formulaProtection: false, ...csv },
    canonical: false,
  };
}

function encode(ctx: EncoderContext, rows: Row[]): string {
  const encoder: FormatEncoder = new CsvEncoder(ctx);
  return (
    encoder.begin() + rows.map((row, i) => encoder.row(row, i)).join('') + encoder.end(rows.length)
  );
}

/** Parses CSV bytes with csv-parse, an unquoted empty field read back as null. */
function parseCsv(bytes: Buffer): (string | null)[][] {
  return parse(bytes, {
    bom: true,
    record_delimiter: '\r\n',
    relax_column_count: false,
    cast: (value, info) => (value === '' && !info.quoting ? null : value),
  });
}

describe('CsvEncoder', () => {
  it('writes a header row and CRLF line ends, quoting only when needed', () => {
    const ctx = context(fields('string', 'integer', 'boolean', 'decimal', 'timestamp'));
    const text = encode(ctx, [
      ['plain', 1, true, '1.50', '2024-03-05T07:08:09.123Z'],
      ['a,b', -2, false, '-3', null],
      ['say "hi"', 0, null, null, null],
      ['line\nbreak', null, null, null, null],
      ['cr\ronly', null, null, null, null],
    ]);
    expect(text).toBe(
      'f0,f1,f2,f3,f4\r\n' +
        'plain,1,true,1.50,2024-03-05T07:08:09.123Z\r\n' +
        '"a,b",-2,false,-3,\r\n' +
        '"say ""hi""",0,,,\r\n' +
        '"line\nbreak",,,,\r\n' +
        '"cr\ronly",,,,\r\n',
    );
  });

  it('keeps null and the empty string apart', () => {
    const text = encode(context(fields('string', 'string', 'string')), [
      ['', null, ''],
      [null, '', null],
    ]);
    expect(text).toBe('f0,f1,f2\r\n"",,""\r\n,"",\r\n');
    expect(parseCsv(Buffer.from(text)).slice(1)).toEqual([
      ['', null, ''],
      [null, '', null],
    ]);
  });

  it('writes an empty line for a single null field, which reads back as null', () => {
    const text = encode(context(fields('string')), [[null], ['']]);
    expect(text).toBe('f0\r\n\r\n""\r\n');
    expect(parseCsv(Buffer.from(text)).slice(1)).toEqual([[null], ['']]);
  });

  it('writes nested JSON as canonical JSON text, strings with their quotes', () => {
    const text = encode(context(fields('json', 'json', 'json')), [
      [{ b: [1, 'x,y'], a: { '10': 1, '2': 2 } }, 'text', 5],
    ]);
    expect(text.split('\r\n')[1]).toBe(
      '"{""a"":{""10"":1,""2"":2},""b"":[1,""x,y""]}","""text""",5',
    );
  });

  it('starts with a byte-order mark only when asked', () => {
    const list = fields('string');
    expect(encode(context(list), [])).toBe('f0\r\n');
    const withBom = encode(context(list, { bom: true }), [['x']]);
    expect(Buffer.from(withBom, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(withBom).toBe('\uFEFFf0\r\nx\r\n');
  });

  it('prefixes text cells that start like a formula with a single quote', () => {
    const ctx = context(fields('string', 'json', 'integer', 'decimal'), {
      formulaProtection: true,
    });
    const text = encode(ctx, [
      ['=SUM(A1)', -1, -5, '-1.5'],
      ['+1', { a: 1 }, 1, '1'],
      ['-2', '=x', null, null],
      ['@cmd', null, null, null],
      ['\tx', null, null, null],
      ['\rx', null, null, null],
      ['a=b', null, null, null],
      ['=a,b', null, null, null],
      ["'=already", null, null, null],
      ['', null, null, null],
    ]);
    expect(text.split('\r\n').slice(1)).toEqual([
      "'=SUM(A1),'-1,-5,-1.5",
      '\'+1,"{""a"":1}",1,1',
      '\'-2,"""=x""",,',
      "'@cmd,,,",
      "'\tx,,,",
      '"\'\rx",,,',
      'a=b,,,',
      '"\'=a,b",,,',
      "'=already,,,",
      '"",,,',
      '',
    ]);
  });

  it('leaves formula-like text alone without the option', () => {
    expect(encode(context(fields('string')), [['=1+1']])).toBe('f0\r\n=1+1\r\n');
  });

  it('refuses a row whose length differs from the field list', () => {
    const encoder = new CsvEncoder(context(fields('string', 'string')));
    expect(() => encoder.row(['a'])).toThrow(/things: a row has 1 values for 2 fields/);
  });

  it('declares its format, extension and media type', () => {
    const encoder = new CsvEncoder(context(fields('string')));
    expect([encoder.format, encoder.extension, encoder.mediaType]).toEqual([
      'csv',
      'csv',
      'text/csv; charset=utf-8; header=present',
    ]);
  });
});

const trickyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', '=', '+', '-', '@', '\t', "'", '\uFEFF', ''),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});
const cellValue = fc.oneof(trickyText, fc.constant(''), fc.constant(null));

describe('CsvEncoder round trip through csv-parse', () => {
  it('gives back every cell, null and empty string kept apart', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) =>
            fc.tuple(
              fc.constant(width),
              fc.array(fc.array(cellValue, { minLength: width, maxLength: width })),
            ),
          ),
        fc.boolean(),
        ([width, rows], bom) => {
          const list = fields(...Array.from({ length: width }, () => 'string' as const));
          const bytes = Buffer.from(encode(context(list, { bom }), rows), 'utf8');
          const [header, ...records] = parseCsv(bytes);
          expect(header).toEqual(list.map((field) => field.name));
          expect(records).toEqual(rows);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives back every cell with a leading quote where formula protection applies', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(cellValue, cellValue)), (rows) => {
        const ctx = context(fields('string', 'string'), { formulaProtection: true });
        const [, ...records] = parseCsv(Buffer.from(encode(ctx, rows), 'utf8'));
        const protectedCell = (cell: string | null) =>
          cell !== null && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
        expect(records).toEqual(rows.map((row) => row.map(protectedCell)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives back nested JSON values through JSON.parse of each cell', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), (values) => {
        const rows = values.map((value): Row => [value as JsonValue]);
        const [, ...records] = parseCsv(Buffer.from(encode(context(fields('json')), rows), 'utf8'));
        expect(
          records.map(([cell]) => (cell == null ? null : (JSON.parse(cell) as unknown))),
        ).toEqual(
          values.map((value) =>
            value === null ? null : (JSON.parse(JSON.stringify(value)) as unknown),
          ),
        );
      }),
    );
  });
});
