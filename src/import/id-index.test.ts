import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../formats/index.js';
import { IdIndex } from './id-index.js';
import { keyText } from './import-plan.js';

/** A key field as bundles hold them: integers (also as digits), and text. */
const field = fc.oneof(
  fc.integer({ min: -5, max: 40 }),
  fc.integer({ min: -5, max: 40 }).map(String),
  fc.constantFrom('a', '05', '-0', 'x y'),
  fc.constant(2 ** 60),
);

/** Keys of one or two fields, runs of them ascending as an export writes them. */
const keys = fc.oneof(
  fc.array(fc.array(field, { minLength: 1, maxLength: 1 }), { maxLength: 60 }),
  fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { maxLength: 60 }),
  fc.integer({ min: 0, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => [i * 2])),
);

describe('IdIndex', () => {
  it('finds, refuses twice and resolves every key as a map of key texts does, in any order', () => {
    fc.assert(
      fc.property(keys, fc.array(fc.nat(), { maxLength: 60 }), (added, remapped) => {
        const index = new IdIndex();
        const model = new Map<string, readonly JsonValue[]>();
        const changed = new Set(remapped);
        added.forEach((key, i) => {
          const written = changed.has(i) ? key.map((v) => `new-${String(v)}`) : key;
          const fresh = !model.has(keyText(key));
          expect(index.add(key, written)).toBe(fresh);
          if (fresh) model.set(keyText(key), written);
        });
        expect(index.size).toBe(model.size);
        const probes = [...added, [7], [-1], ['7'], [3, 4], ['a', 1]];
        for (const key of probes) {
          const expected = model.get(keyText(key));
          expect(index.has(key)).toBe(expected !== undefined);
          const resolved = index.resolve(key);
          expect(resolved === undefined ? undefined : keyText(resolved)).toBe(
            expected === undefined ? undefined : keyText(expected),
          );
        }
      }),
    );
  });

  it('holds a large run of ascending integer keys in sorted arrays, in blocks added as it grows', () => {
    const index = new IdIndex();
    for (let id = 1; id <= 200_000; id++) expect(index.add([id], [id])).toBe(true);
    expect(index.add([50_000], [50_000])).toBe(false);
    expect(index.add(['50000'], ['50000'])).toBe(false);
    expect(index.resolve([99_999])).toEqual([99_999]);
    expect(index.has([200_001])).toBe(false);
    expect(index.resolve([150_000])).toEqual([150_000]);
    expect(index.size).toBe(200_000);
  });
});
