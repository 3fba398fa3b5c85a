import { describe, expect, it } from 'vitest';
import type { CatalogField, FieldType, IncludedCategory } from '../catalog/index.js';
import { stringifyJson } from './canonical-json.js';
import { categoryJsonSchema } from './json-schema.js';
import { testField } from '../../test/support/catalog-fixtures.js';

function category(fields: CatalogField[]): IncludedCategory {
  return {
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
}

const field = (name: string, type: FieldType, nullable = false): CatalogField =>
  testField({ name, type, nullable, description: `The ${name}.` });

describe('categoryJsonSchema', () => {
  const schema = categoryJsonSchema(
    category([
      field('id', 'integer'),
      field('title', 'string'),
      field('big', 'bigint'),
      { ...field('price', 'decimal', true), scale: 2 },
      { ...field('amount', 'decimal'), scale: 0, precision: 3 },
      { ...field('at6', 'timestamp'), precision: 6 },
      { ...field('at0', 'timestamp'), precision: 0 },
      field('ratio', 'float'),
      field('uid', 'uuid'),
      field('blob', 'bytes'),
      field('done', 'boolean'),
      field('at', 'timestamp'),
      field('day', 'date', true),
      field('data', 'json'),
      field('extra', 'json', true),
    ]),
    '2024.1',
  );

  it('describes one record: every field required, no other key', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'schemas/tasks.schema.json',
      title: 'Tasks',
      description: 'Work items.',
      type: 'object',
      required: [
        'id',
        'title',
        'big',
        'price',
        'amount',
        'at6',
        'at0',
        'ratio',
        'uid',
        'blob',
        'done',
        'at',
        'day',
        'data',
        'extra',
      ],
      additionalProperties: false,
    });
  });

  it('gives each field type its JSON form, nullable fields a null alternative', () => {
    expect(schema.properties).toEqual({
      id: {
        description: 'The id.',
        type: 'integer',
        minimum: -9007199254740991,
        maximum: 9007199254740991,
      },
      title: { description: 'The title.', type: 'string' },
      big: { description: 'The big.', type: 'string', pattern: '^-?[0-9]+$' },
      price: {
        description: 'The price.',
        type: ['string', 'null'],
        pattern: '^-?(0|[1-9][0-9]*)\\.[0-9]{2}$',
      },
      amount: { description: 'The amount.', type: 'string', pattern: '^-?(0|[1-9][0-9]{0,2})$' },
      at6: {
        description: 'The at6.',
        type: 'string',
        format: 'date-time',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$',
      },
      at0: {
        description: 'The at0.',
        type: 'string',
        format: 'date-time',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$',
      },
      ratio: { description: 'The ratio.', type: 'number' },
      uid: {
        description: 'The uid.',
        type: 'string',
        format: 'uuid',
        pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
      },
      blob: {
        description: 'The blob.',
        type: 'string',
        contentEncoding: 'base64',
        pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
      },
      done: { description: 'The done.', type: 'boolean' },
      at: {
        description: 'The at.',
        type: 'string',
        format: 'date-time',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$',
      },
      day: {
        description: 'The day.',
        type: ['string', 'null'],
        format: 'date',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
      },
      data: { description: 'The data.' },
      extra: { description: 'The extra.' },
    });
  });

  it('has patterns that accept exactly what the value model writes', () => {
    const properties = schema.properties as { [key: string]: { pattern: string } };
    const matches = (name: string, text: string) =>
      new RegExp(properties[name]!.pattern).test(text);
    expect(matches('at', '2024-03-05T07:08:09.123Z')).toBe(true);
    expect(matches('at', '2024-03-05T07:08:09Z')).toBe(false);
    expect(matches('price', '-12.50')).toBe(true);
    expect(matches('price', '12.5')).toBe(false);
    expect(matches('price', '012.50')).toBe(false);
    expect(matches('price', '1e5')).toBe(false);
    expect(matches('amount', '999')).toBe(true);
    expect(matches('amount', '1000')).toBe(false);
    expect(matches('at6', '2024-03-05T07:08:09.123456Z')).toBe(true);
    expect(matches('at6', '2024-03-05T07:08:09.123Z')).toBe(false);
    expect(matches('at0', '2024-03-05T07:08:09Z')).toBe(true);
    expect(matches('blob', '+/8=')).toBe(true);
    expect(matches('blob', '+/8')).toBe(false);
    expect(matches('big', '-123456789012345678901')).toBe(true);
  });

  it('is the same bytes for the same catalog', () => {
    const again = categoryJsonSchema(
      category([field('id', 'integer'), field('title', 'string')]),
      '1',
    );
    const once = categoryJsonSchema(
      category([field('id', 'integer'), field('title', 'string')]),
      '1',
    );
    expect(JSON.stringify(again)).toBe(JSON.stringify(once));
    expect(stringifyJson(again)).toBe(stringifyJson(once));
  });
});
