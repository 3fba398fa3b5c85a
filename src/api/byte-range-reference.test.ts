import fc from 'fast-check';
import rangeParser from 'range-parser';
import { expect, test } from 'vitest';
import { parseRange } from './byte-range.js';

// Ours is kept (it serves several ranges whole, as RFC 9110 allows); range-parser is the reference.
test('parseRange reads every single byte range as range-parser does', () => {
  const digits = fc.option(fc.nat(2000), { nil: undefined });
  fc.assert(
    fc.property(
      fc.nat(1500),
      digits,
      digits.filter((d) => d !== undefined),
      fc.boolean(),
      (size, first, last, swap) => {
        const [a, b] = swap ? [last, first] : [first, last];
        if (a === undefined && b === undefined) return;
        const header = `bytes=${a ?? ''}-${b ?? ''}`;
        const ours = parseRange(header, size);
        if (a === undefined && b !== undefined && b > size && size > 0) {
          // A suffix longer than the file is the whole file (RFC 9110 §14.1.2);
          // range-parser 1.2 refuses it, so here ours is checked alone.
          expect(ours, header).toEqual({ kind: 'partial', start: 0, end: size - 1 });
          return;
        }
        const theirs = rangeParser(size, header);
        if (theirs === -1) expect(ours, header).toEqual({ kind: 'unsatisfiable' });
        else if (theirs === -2) expect(ours, header).toEqual({ kind: 'whole' });
        else expect(ours, header).toEqual({ kind: 'partial', ...theirs[0] });
      },
    ),
    { numRuns: 2000 },
  );
});
