import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogField, IncludedCategory } from '../catalog/index.js';
import { createEncoder, FORMAT_INFO, type EncodedFormat } from './encoder-registry.js';
import { JsonEncoder } from './json-encoder.js';
import { JsonlEncoder } from './jsonl-encoder.js';
import type { EncoderContext, FormatEncoder, JsonValue, Row } from './types.js';
import { testField } from '../../test/support/catalog-fixtures.js';

const FIELDS: CatalogField[] = [
  testField({ name: 'id', type: 'integer', nullable: false, description: 'Task id.' }),
  testField({ name: 'title', type: 'string', nullable: false, description: 'Title.' }),
  testField({ name: 'estimate', type: 'decimal', nullable: true, description: 'Hours.' }),
  testField({ name: 'done', type: 'boolean', nullable: false, description: 'Done.' }),
  testField({ name: 'custom', type: 'json', nullable: true, description: 'Custom fields.' }),
  testField({ name: 'created_at', type: 'timestamp', nullable: false, description: 'Created.' }),
];

function context(canonical = false, fields = FIELDS): EncoderContext {
  const category: IncludedCategory = {
    included: true,
    name: 'tasks',
    title: 'Tasks',
    description: 'Work items.',
    source: { kind: 'table', table: 'tasks', tenantColumn: 'tenant_id', through: [] },
    primaryKey: ['id'],
    fields,
    excludedFields: [],
    references: [],
    tabular: true,
    files: null,
    account: null,
    platformOwned: false,
  };
  return {
    category,
    fields,
    tenant: 'acme',
    catalogVersion: '2024.1',
    csv: { bom: false, formulaProtection: false },
    canonical,
  };
}

function encode(encoder: FormatEncoder, rows: readonly Row[]): string {
  return (
    encoder.begin() + rows.map((row, i) => encoder.row(row, i)).join('') + encoder.end(rows.length)
  );
}

const ROWS: Row[] = [
  [
    1,
    'Write "spec"\n',
    '1.50',
    false,
    { z: 1, '10': [true], '2': null },
    '2024-03-05T07:08:09.123Z',
  ],
  [2, '', null, true, null, '2024-03-06T00:00:00.000Z'],
];

describe('JsonlEncoder', () => {
  it('writes one record per line in catalog order, nested keys sorted', () => {
    expect(encode(new JsonlEncoder(context()), ROWS)).toBe(
      '{"id":1,"title":"Write \\"spec\\"\\n","estimate":"1.50","done":false,' +
        '"custom":{"10":[true],"2":null,"z":1},"created_at":"2024-03-05T07:08:09.123Z"}\n' +
        '{"id":2,"title":"","estimate":null,"done":true,"custom":null,"created_at":"2024-03-06T00:00:00.000Z"}\n',
    );
  });

  it('sorts record keys when canonical', () => {
    const line = encode(new JsonlEncoder(context(true)), ROWS.slice(1));
    expect(line).toBe(
      '{"created_at":"2024-03-06T00:00:00.000Z","custom":null,"done":true,"estimate":null,"id":2,"title":""}\n',
    );
  });

  it('writes nothing for no rows', () => {
    expect(encode(new JsonlEncoder(context()), [])).toBe('');
  });
});

describe('JsonEncoder', () => {
  it('writes metadata then one record per line, parseable as one document', () => {
    const text = encode(new JsonEncoder(context()), ROWS);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\{"metadata":\{"category":"tasks",.*\},$/);
    expect(lines.slice(1)).toEqual([
      '"records":[',
      expect.stringMatching(/^\{"id":1,.*\},$/),
      expect.stringMatching(/^\{"id":2,.*\}$/),
      ']}',
      '',
    ]);
    const document = JSON.parse(text) as { metadata: unknown; records: unknown[] };
    expect(Object.keys(document)).toEqual(['metadata', 'records']);
    expect(document.metadata).toEqual({
      category: 'tasks',
      title: 'Tasks',
      description: 'Work items.',
      tenant: 'acme',
      catalog_version: '2024.1',
      primary_key: ['id'],
      fields: FIELDS.map(({ name, type, nullable, description }) => ({
        name,
        type,
        nullable,
        description,
      })),
      schema: 'schemas/tasks.schema.json',
    });
    expect(document.records).toHaveLength(2);
  });

  it('holds no export time or id: the same rows give the same bytes', () => {
    const first = encode(new JsonEncoder(context()), ROWS);
    const second = encode(new JsonEncoder(context()), ROWS);
    expect(second).toBe(first);
    expect(first).not.toMatch(/exp_|generated|export_id/);
  });

  it('sorts metadata and record keys when canonical', () => {
    const text = encode(new JsonEncoder(context(true)), ROWS);
    expect(
      text.startsWith('{"metadata":{"catalog_version":"2024.1","category":"tasks","description"'),
    ).toBe(true);
    expect(text).toContain(
      '\n{"created_at":"2024-03-05T07:08:09.123Z","custom":{"10":[true],"2":null,"z":1},',
    );
  });

  it('writes an empty records array for no rows', () => {
    const text = encode(new JsonEncoder(context()), []);
    expect(text.endsWith('\n"records":[]}\n')).toBe(true);
    expect((JSON.parse(text) as { records: unknown[] }).records).toEqual([]);
  });
});

describe('createEncoder', () => {
  it('creates each format with the extension and media type FORMAT_INFO states', () => {
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      const encoder = createEncoder(format, context());
      expect(encoder.format).toBe(format);
      expect({ extension: encoder.extension, mediaType: encoder.mediaType }).toEqual(
        FORMAT_INFO[format],
      );
    }
    expect(FORMAT_INFO.jsonl.mediaType).toBe('application/x-ndjson');
  });
});

const textField: CatalogField = testField({
  name: 'text',
  type: 'string',
  nullable: true,
  description: '',
});
const jsonField: CatalogField = testField({
  name: 'data',
  type: 'json',
  nullable: true,
  description: '',
});
const numberField: CatalogField = testField({
  name: 'n',
  type: 'integer',
  nullable: true,
  description: '',
});
const flagField: CatalogField = testField({
  name: 'flag',
  type: 'boolean',
  nullable: true,
  description: '',
});

describe('json, jsonl and csv agree', () => {
  it('on every row, read back by JSON.parse and csv-parse', () => {
    const fields = [textField, jsonField, numberField, flagField];
    const row = fc.tuple(
      fc.option(fc.string({ unit: 'binary' }), { nil: null }),
      fc.jsonValue(),
      fc.option(fc.maxSafeInteger(), { nil: null }),
      fc.option(fc.boolean(), { nil: null }),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.boolean(), (rows, canonical) => {
        const ctx = context(canonical, fields);
        const typed = rows as unknown as Row[];
        const output = (format: EncodedFormat) =>
          Buffer.from(encode(createEncoder(format, ctx), typed));
        const fromJson = (JSON.parse(output('json').toString('utf8')) as { records: unknown[] })
          .records;
        const fromJsonl = output('jsonl')
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as unknown);
        const [, ...fromCsv] = parse(output('csv'), {
          record_delimiter: '\r\n',
          cast: (value, info) => (value === '' && !info.quoting ? null : value),
        }) as (string | null)[][];

        expect(fromJsonl).toEqual(fromJson);
        expect(fromJson).toHaveLength(rows.length);
        fromJson.forEach((record, i) => {
          const { text, data, n, flag } = record as { [key: string]: JsonValue };
          const cells = fromCsv[i] ?? [];
          expect(cells[0]).toEqual(text);
          expect(cells[1] === null ? null : (JSON.parse(cells[1] as string) as unknown)).toEqual(
            data,
          );
          expect(cells[2] === null ? null : Number(cells[2])).toEqual(n);
          expect(cells[3] === null ? null : cells[3] === 'true').toEqual(flag);
          expect(data).toEqual(JSON.parse(JSON.stringify(rows[i]?.[1])));
        });
      }),
      { numRuns: 200 },
    );
  });
});
