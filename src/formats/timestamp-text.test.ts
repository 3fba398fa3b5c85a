import { describe, expect, it } from 'vitest';
import {
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
    ['2024-03-05 07:08:09.123456-0530', '2024-03-05T12:38:09.123Z'],
    ['1900-01-01 00:00:00+05:53:28', '1899-12-31T18:06:32.000Z'],
    ['2024-03-05T07:08:09.1Z', '2024-03-05T07:08:09.100Z'],
    ['2024-03-05T07:08:09.12Z', '2024-03-05T07:08:09.120Z'],
    ['2024-03-05T07:08:09.123Z', '2024-03-05T07:08:09.123Z'],
    ['2024-03-05T07:08:09.1239Z', '2024-03-05T07:08:09.123Z'],
    ['2024-03-05T07:08:09.999999999Z', '2024-03-05T07:08:09.999Z'],
    ['2024-03-05T07:08:09.999999+01:00', '2024-03-05T06:08:09.999Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000Z'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['0050-06-01T00:00:00+01:00', '0050-05-31T23:00:00.000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, expected) => {
    expect(timestampFromText(text, where)).toBe(expected);
  });

  it('reads zoneless text as UTC whatever the process time zone', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(timestampFromText('2024-07-01 12:00:00', where)).toBe('2024-07-01T12:00:00.000Z');
    } finally {
      process.env.TZ = zone;
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

describe('timestampFromEpochMs', () => {
  it('formats epoch milliseconds, dropping fractions towards the past', () => {
    expect(timestampFromEpochMs(0, where)).toBe('1970-01-01T00:00:00.000Z');
    expect(timestampFromEpochMs(1_709_622_489_123.9, where)).toBe('2024-03-05T07:08:09.123Z');
    expect(timestampFromEpochMs(-0.5, where)).toBe('1969-12-31T23:59:59.999Z');
  });

  it('refuses instants outside years 0000–9999 and non-finite numbers', () => {
    expect(() => timestampFromEpochMs(253_402_300_800_000, where)).toThrow(ValueError);
    expect(() => timestampFromEpochMs(-62_167_219_200_001, where)).toThrow(ValueError);
    expect(() => timestampFromEpochMs(Number.NaN, where)).toThrow(ValueError);
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
