import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth.js';

describe('the heap growth Portage sets at start', () => {
  it('is set where the operator chose none', () => {
    expect(heapGrowthFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps', '--max-old-space-size=512'])).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it.each([
    [['--heap-growing-percent=300']],
    [['--max-old-space-size=512', '--heap_growing_percent=50']],
    [['--heap-growing-percent', '30']],
  ])('is left to the operator who chose one on the command line: %j', (argv) => {
    expect(heapGrowthFlag(argv)).toBeNull();
  });
});
