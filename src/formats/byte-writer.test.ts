import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, type CatalogField, type IncludedCategory } from '../catalog/index.js';
import { ByteWriter } from './byte-writer.js';
import { createEncoder, ENCODED_FORMATS } from './encoder-registry.js';
import { JsonNumber } from './json-number.js';
import type { EncoderContext, JsonValue, Row } from './types.js';
import { testField } from '../../test/support/catalog-fixtures.js';

/** Any text: every UTF-16 code unit, lone surrogates and control characters included. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', ',', '\r', '\n', '\t', '=', '\u007f', 'a'),
    maxLength: 12,
  }),
  // Long texts, as whole records are.
  fc.string({ unit: 'binary', minLength: 64, maxLength: 300 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 64, maxLength: 300 }),
);

const hugeNumber = fc
  .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.nat({ max: 30 }))
  .map(([digits, scale]) => {
    const text = digits.toString();
    return new JsonNumber(scale === 0 ? text : `${text}.${'0'.repeat(scale)}1`);
  });

/** Any value a row may hold, including those the value model never gives a field of its type. */
const anyValue: fc.Arbitrary<JsonValue> = fc.oneof(
  { arbitrary: anyText, weight: 4 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: hugeNumber, weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  {
    arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<JsonValue>,
    weight: 2,
  },
);

function context(fields: CatalogField[], canonical: boolean, bom: boolean, protect: boolean) {
  const category: IncludedCategory = {
    included: true,
    name: 'items',
    title: 'Items',
    description: 'Things.',
    source: { kind: 'table', table: 'items', tenantColumn: 'tenant_id', through: [] },
    primaryKey: [fields[0]?.name ?? 'id'],
    fields,
    excludedFields: [],
    references: [],
    tabular: true,
    files: null,
    account: null,
    platformOwned: false,
  };
  const ctx: EncoderContext = {
    category,
    fields,
    tenant: 'acme',
    catalogVersion: '1',
    csv: { bom, formulaProtection: protect },
    canonical,
  };
  return ctx;
}

/** Fields of random types with random (unique) names, and rows of any values for them. */
const table = fc
  .uniqueArray(
    fc.tuple(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
      fc.constantFrom(...FIELD_TYPES),
    ),
    {
      minLength: 1,
      maxLength: 6,
      selector: ([name]) => name,
    },
  )
  .chain((columns) =>
    fc.record({
      fields: fc.constant(
        columns.map(([name, type]) =>
          testField({ name, type, nullable: true, description: 'A field.' }),
        ),
      ),
      rows: fc.array(fc.array(anyValue, { minLength: columns.length, maxLength: columns.length }), {
        maxLength: 12,
      }),
    }),
  );

describe('ByteWriter', () => {
  it('writes any text as Buffer.from does, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 8 }), (texts) => {
        const out = new ByteWriter(16);
        for (const text of texts) out.text(text);
        expect(out.take().equals(Buffer.from(texts.join('')))).toBe(true);
        expect(out.length).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('records written one by one give the bytes of the whole text at once', () => {
  it.each(ENCODED_FORMATS)('%s', (format) => {
    fc.assert(
      fc.property(
        table,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.nat({ max: 12 }),
        ({ fields, rows }, canonical, bom, protect, takeEvery) => {
          const encoder = createEncoder(format, context(fields, canonical, bom, protect));
          const written = (rows as Row[]).map((row, i) => ({ row, i }));
          const text =
            encoder.begin() +
            written.map(({ row, i }) => encoder.row(row, i)).join('') +
            encoder.end(rows.length);
          const out = new ByteWriter(16);
          const chunks: Buffer[] = [Buffer.from(encoder.begin())];
          for (const { row, i } of written) {
            out.text(encoder.row(row, i));
            if (takeEvery > 0 && i % takeEvery === 0) chunks.push(out.take());
          }
          chunks.push(out.take(), Buffer.from(encoder.end(rows.length)));
          expect(Buffer.concat(chunks).toString('latin1')).toBe(
            Buffer.from(text).toString('latin1'),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
