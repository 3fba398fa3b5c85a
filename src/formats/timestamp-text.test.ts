import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_EPOCH_MS,
  MIN_EPOCH_MS,
  dateFromDate,
  dateFromText,
  timestampFromEpochMs,
  timestampFromText,
} from './timestamp-text.js';
import { ValueError } from './value-error.js';

const where = 'tasks.due_at';

describe('timestampFromText', () => {
  it.each([
    ['2024-03-05T07:08:09Z', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05T07:08:09z', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05t07:08:09Z', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05 07:08:09Z', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05T07:08:09', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05 07:08:09', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05T07:08:09+00:00', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05T07:08:09-00:00', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05 07:08:09+00', '2024-03-05T07:08:09.000Z'],
    ['2024-03-05T07:08:09+02:00', '2024-03-05T05:08:09.000Z'],
    ['2024-03-05T07:08:09+0200', '2024-03-05T05:08:09.000Z'],
    ['2024-03-05T07:08:09+02', '2024-03-05T05:08:09.000Z'],
    ['2024-03-05T07:08:09-05:30', '2024-03-05T12:38:09.000Z'],
    ['1900-01-01 00:00:00+05:53:28', '1899-12-31T18:06:32.000Z'],
    ['2024-03-05T07:08:09.1Z', '2024-03-05T07:08:09.100Z'],
    ['2024-03-05T07:08:09.12Z', '2024-03-05T07:08:09.120Z'],
    ['2024-03-05T07:08:09.123Z', '2024-03-05T07:08:09.123Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000Z'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['0050-06-01T00:00:00+01:00', '0050-05-31T23:00:00.000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['2024-03-05T07:08:09.123000000Z', '2024-03-05T07:08:09.123Z'],
  ])('reads %s as %s', (text, expected) => {
    expect(timestampFromText(text, where)).toBe(expected);
  });

  it.each([
    ['2024-03-05 07:08:09.123456-0530', 6, '2024-03-05T12:38:09.123456Z'],
    ['2024-03-05T07:08:09.999999+01:00', 6, '2024-03-05T06:08:09.999999Z'],
    ['9999-12-31T23:59:59.999999Z', 6, '9999-12-31T23:59:59.999999Z'],
    ['1969-12-31 23:59:59.000001+00', 6, '1969-12-31T23:59:59.000001Z'],
    ['2024-03-05T07:08:09.1Z', 6, '2024-03-05T07:08:09.100000Z'],
    ['2024-03-05T07:08:09Z', 6, '2024-03-05T07:08:09.000000Z'],
    ['2024-03-05T07:08:09.000Z', 0, '2024-03-05T07:08:09Z'],
    ['2024-03-05T07:08:09+02:00', 0, '2024-03-05T05:08:09Z'],
    ['2024-03-05T07:08:09.5Z', 1, '2024-03-05T07:08:09.5Z'],
    ['2024-03-05T07:08:09.12340Z', 4, '2024-03-05T07:08:09.1234Z'],
    ['2040-01-01T00:00:00.000001Z', 6, '2040-01-01T00:00:00.000001Z'],
  ])('reads %s at precision %i as %s', (text, precision, expected) => {
    expect(timestampFromText(text, where, precision)).toBe(expected);
  });

  it.each([
    ['2024-03-05 07:08:09.123456-0530', 3],
    ['2024-03-05T07:08:09.1239Z', 3],
    ['2024-03-05T07:08:09.9999999Z', 6],
    ['2024-03-05T07:08:09.5Z', 0],
  ])('refuses %s at precision %i instead of cutting a digit', (text, precision) => {
    expect(() => timestampFromText(text, where, precision)).toThrow(
      `${where}: value ${JSON.stringify(text)} has non-zero fractional digits beyond the ${precision} the field declares`,
    );
  });

  it('reads zoneless text as UTC whatever the process time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(timestampFromText('2024-07-01 12:00:00', where)).toBe('2024-07-01T12:00:00.000Z');
    } finally {
      // Assigning undefined would leave the text "undefined" as the zone.
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it.each([
    '2024-03-05',
    '2024-03-05T07:08Z',
    '2024-3-5T07:08:09Z',
    '2024-03-05T07:08:09.Z',
    '2024-03-05T07:08:09 +02:00',
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-03-05T24:00:00Z',
    '2024-03-05T07:60:00Z',
    '2024-03-05T07:08:09+02:60',
    'infinity',
    '0001-01-01 00:00:00+00 BC',
    '12024-03-05T07:08:09Z',
    '0000-01-01T00:30:00+01:00',
    ' 2024-03-05T07:08:09Z',
    '2024-03-05T07:08:09ZZ',
    '2024-03-05T07:08:09+2',
    '2024-03-05T07:08:09+',
    '2024-03-05T07:08:09.123-',
    '2024-03-05T07:08:09+02:',
    '2024-03-05T07:08:09+24:00',
    '2024-03-05T07:08:09+02:00:00:00',
    '2024-03-05T07:08:09+02:00Z',
    '2024-03-05T07:08:9Z',
    '2024-03-05T07:08:09.12a',
    '２０２４-03-05T07:08:09Z',
  ])('refuses %j, naming the field and the value', (text) => {
    const call = () => timestampFromText(text, where);
    expect(call).toThrow(ValueError);
    expect(call).toThrow(`${where}: value ${JSON.stringify(text)}`);
  });
});

describe('timestampFromText on text already in canonical form', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');

  it('gives back a real day and time unchanged, rolls second 60 over, and refuses any other field out of range, at every precision', () => {
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 0, max: 9999 }),
          month: fc.integer({ min: 0, max: 13 }),
          day: fc.integer({ min: 0, max: 32 }),
          hour: fc.integer({ min: 0, max: 24 }),
          minute: fc.integer({ min: 0, max: 60 }),
          second: fc.integer({ min: 0, max: 60 }),
          precision: fc.integer({ min: 0, max: 6 }),
          fraction: fc.integer({ min: 0, max: 999_999 }),
        }),
        ({ year, month, day, hour, minute, second, precision, fraction }) => {
          const digits = precision === 0 ? '' : `.${pad(fraction, 6).slice(0, precision)}`;
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${digits}Z`;
          // The day is checked on its own: second 60 of a day's last minute
          // rolls the time over into the next day, which is still a real reading.
          const date = new Date(0);
          date.setUTCFullYear(year, month - 1, day);
          const at = new Date(date.getTime());
          at.setUTCHours(hour, minute, second);
          const real =
            month >= 1 &&
            month <= 12 &&
            date.getUTCDate() === day &&
            hour <= 23 &&
            minute <= 59 &&
            // Second 60 stands for the last second of a minute, read as the next one.
            (second <= 59 || at.getUTCSeconds() === 0);
          const inRange = at.getTime() <= MAX_EPOCH_MS;
          if (!real || !inRange) {
            expect(() => timestampFromText(text, where, precision)).toThrow(ValueError);
          } else if (second === 60) {
            const next = `${at.toISOString().slice(0, 19).replace(/^\+0*/, '').padStart(19, '0')}${digits}Z`;
            expect(timestampFromText(text, where, precision)).toBe(next);
          } else {
            expect(timestampFromText(text, where, precision)).toBe(text);
          }
        },
      ),
      {
        numRuns: 2000,
        // Second 60 of a day's last minute, at the first year's first and last day and the last year's last.
        examples: [
          [0, 1, 1],
          [0, 12, 31],
          [2016, 12, 31],
          [9999, 12, 31],
        ].map(([year, month, day]) => [
          { year, month, day, hour: 23, minute: 59, second: 60, precision: 0, fraction: 0 },
        ]),
      },
    );
  });

  it.each([
    ['2024-03-05T07:08:09.123Z', 0, null],
    ['2024-03-05T07:08:09.000Z', 0, '2024-03-05T07:08:09Z'],
    ['2024-03-05T07:08:09Z', 3, '2024-03-05T07:08:09.000Z'],
    ['2024-03-05T07:08:09.123z', 3, '2024-03-05T07:08:09.123Z'],
    ['2024-03-05t07:08:09.123Z', 3, '2024-03-05T07:08:09.123Z'],
    ['2024-03-05T07:08:09.1a3Z', 3, null],
    ['2024-03-05T07:08:09,123Z', 3, null],
    ['2024-03-05X07:08:09.123Z', 3, null],
    ['2024-03-05T07:08:09.123+', 3, null],
  ])(
    'reads the near-canonical %j at precision %i as %j (null: refused)',
    (text, precision, expected) => {
      const call = () => timestampFromText(text, where, precision);
      if (expected === null) expect(call).toThrow(ValueError);
      else expect(call()).toBe(expected);
    },
  );
});

describe('timestampFromEpochMs', () => {
  it('formats epoch milliseconds with the declared digits, refusing what it would cut', () => {
    expect(timestampFromEpochMs(0, where)).toBe('1970-01-01T00:00:00.000Z');
    expect(timestampFromEpochMs(1_709_622_489_123, where)).toBe('2024-03-05T07:08:09.123Z');
    expect(timestampFromEpochMs(-1, where)).toBe('1969-12-31T23:59:59.999Z');
    expect(timestampFromEpochMs(-1, where, undefined, 6)).toBe('1969-12-31T23:59:59.999000Z');
    expect(timestampFromEpochMs(1_709_622_489_000, where, undefined, 0)).toBe(
      '2024-03-05T07:08:09Z',
    );
    expect(() => timestampFromEpochMs(1_709_622_489_123, where, undefined, 2)).toThrow(
      /non-zero fractional digits beyond the 2/,
    );
    expect(() => timestampFromEpochMs(1_709_622_489_123.9, where)).toThrow(
      /not a whole number of milliseconds/,
    );
  });

  it('refuses instants outside years 0000–9999 and non-finite numbers', () => {
    expect(() => timestampFromEpochMs(253_402_300_800_000, where)).toThrow(ValueError);
    expect(() => timestampFromEpochMs(-62_167_219_200_001, where)).toThrow(ValueError);
    expect(() => timestampFromEpochMs(Number.NaN, where)).toThrow(ValueError);
  });

  it('writes every day of years 0000–9999 as Date#toISOString does', () => {
    const day = 86_400_000;
    const instants = [MIN_EPOCH_MS, MAX_EPOCH_MS, MAX_EPOCH_MS - 999, 0, -1, 951_782_400_000];
    // Every 11th day from 0000-01-01 to 9999-12-31, and every day of the years
    // around century and leap-cycle turns, each at another time of day.
    for (let ms = MIN_EPOCH_MS, k = 0; ms <= MAX_EPOCH_MS; ms += 11 * day, k++) {
      instants.push(ms + ((k * 7_919_993) % day));
    }
    for (const year of [0, 1, 99, 100, 399, 400, 1899, 1900, 1969, 1970, 1999, 2000, 2100, 9999]) {
      const first = new Date(0).setUTCFullYear(year, 0, 1);
      for (let k = 0; k < 366; k++) {
        const ms = first + k * day + ((k * 7_919_993) % day);
        if (ms <= MAX_EPOCH_MS) instants.push(ms);
      }
    }
    const differing = instants.filter(
      (ms) => timestampFromEpochMs(ms, where) !== new Date(ms).toISOString(),
    );
    expect(differing.map((ms) => [ms, timestampFromEpochMs(ms, where)])).toEqual([]);
  });
});

describe('dates', () => {
  it('keeps valid YYYY-MM-DD text and refuses anything else', () => {
    expect(dateFromText('2024-02-29', 'users.birthday')).toBe('2024-02-29');
    for (const text of ['2023-02-29', '2024-00-10', '2024-1-10', '2024-01-10T00:00:00Z', '']) {
      expect(() => dateFromText(text, 'users.birthday')).toThrow(ValueError);
    }
  });

  it('reads a Date at midnight UTC and refuses one at another time of day', () => {
    expect(dateFromDate(new Date(Date.UTC(2024, 0, 31)), 'users.birthday')).toBe('2024-01-31');
    expect(() => dateFromDate(new Date(Date.UTC(2024, 0, 30, 22)), 'users.birthday')).toThrow(
      'not at midnight UTC',
    );
  });
});
