import { describe, expect, it } from 'vitest';
import { parseDuration } from './key-duration.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * MINUTE],
    ['12h', 12 * 60 * MINUTE],
    ['30d', 30 * DAY],
    ['2w', 14 * DAY],
    ['1m', MINUTE],
    ['30s', 30_000],
    ['1s', 1000],
    ['3650d', 3650 * DAY],
    [' 7d ', 7 * DAY],
  ])('reads %j as a whole number and a unit', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['30', '30 days', '1.5h', '0d', '-1d', '12y', '99999999d', '', '3651d', '0s', 'd'])(
    'refuses %j: no unit, a fraction, a sign, an unknown unit, nothing, or outside 1s to 3650d',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});
