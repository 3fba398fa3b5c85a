import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { stringifyJson } from './canonical-json.js';
import type { JsonValue } from './types.js';

// A CommonJS module whose export is the function itself.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;

// Ours is kept (it also writes exact JsonNumbers); the canonicalize package is the RFC 8785 reference.
test('stringifyJson writes every JSON value as the canonicalize package does', () => {
  fc.assert(
    fc.property(fc.jsonValue({ noUnicodeString: false }), (value) => {
      expect(stringifyJson(value as JsonValue)).toBe(canonicalize(value));
    }),
    { numRuns: 2000 },
  );
});
