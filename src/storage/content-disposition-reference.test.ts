import contentDisposition from 'content-disposition';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { attachmentDisposition } from './content-disposition.js';

// Ours is kept (an ASCII fallback with `_`); the content-disposition package checks it parses back.
test('content-disposition parses every header attachmentDisposition writes back to the name', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (name) => {
      const parsed = contentDisposition.parse(attachmentDisposition(name));
      expect(parsed.type).toBe('attachment');
      // `filename*` when the name needs it, which the parser prefers.
      expect(parsed.parameters.filename).toBe(name);
    }),
    { numRuns: 2000 },
  );
});
