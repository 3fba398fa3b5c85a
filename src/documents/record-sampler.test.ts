import { describe, expect, it } from 'vitest';
import { RecordSampler, cutText } from './record-sampler.js';

describe('RecordSampler', () => {
  it('keeps the first records of each category, up to the limit', () => {
    const sampler = new RecordSampler({ limit: 2 });
    for (let i = 0; i < 5; i++) sampler.add('tasks', [i, `task ${i}`]);
    sampler.add('users', [1, 'Zoë']);
    expect(sampler.samples().get('tasks')).toEqual([
      [0, 'task 0'],
      [1, 'task 1'],
    ]);
    expect(sampler.samples().get('users')).toEqual([[1, 'Zoë']]);
  });

  it('cuts long text to a little more than the cell limit, keeping nulls and empty strings', () => {
    const sampler = new RecordSampler({ maxCellChars: 10 });
    sampler.add('comments', ['x'.repeat(10_000), null, '', { nested: 'y'.repeat(50) }]);
    const [row] = sampler.samples().get('comments') ?? [];
    expect(row?.[0]).toBe('x'.repeat(12));
    expect(row?.slice(1)).toEqual([null, '', { nested: 'y'.repeat(50) }]);
  });
});

describe('cutText', () => {
  it('never splits an emoji in half', () => {
    expect(cutText('ab🚀cd', 3)).toBe('ab');
    expect(cutText('ab🚀cd', 4)).toBe('ab🚀');
    expect(cutText('short', 10)).toBe('short');
  });
});
