import { ValueError } from './value-error.js';
import { civilDay } from '../calendar/civil-day.js';

/** Earliest instant a timestamp may hold: `0000-01-01T00:00:00.000Z`, in ms since the epoch. */
export const MIN_EPOCH_MS = -62_167_219_200_000;
/** Latest instant a timestamp may hold: `9999-12-31T23:59:59.999Z`, in ms since the epoch. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

const MS_PER_DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INVALID = 'is not an RFC 3339 timestamp';

/**
 * Reads RFC 3339 text into the canonical UTC form with exactly `precision`
 * fractional digits (`YYYY-MM-DDTHH:mm:ssZ` for 0, `YYYY-MM-DDTHH:mm:ss.ffffffZ`
 * for 6). Accepted: `T`, `t` or a space between date and time; a zone of `Z`,
 * `±HH:MM`, `±HHMM`, `±HH` (or `±HH:MM:SS`, which PostgreSQL prints for
 * historical zones), or no zone at all, which means UTC; any number of
 * fractional digits, as long as those beyond `precision` are zeros: nothing is
 * rounded or cut. Second 60 rolls over into the next minute, as PostgreSQL
 * does. Text is scanned here, not by `Date`, which reads zoneless text as local time.
 * @param precision - Fractional digits written, 0–6. (Default: 3)
 * @throws {@link ValueError} naming `where` when the text is not such a timestamp,
 * holds a non-zero digit beyond `precision`, or falls outside years 0000–9999 in UTC.
 */
export function timestampFromText(text: string, where: string, precision = 3): string {
  const length = text.length;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const separator = text.charCodeAt(10);
  if (
    (year | month | day | hour | minute | second) < 0 ||
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    (separator !== 0x54 && separator !== 0x74 && separator !== 0x20) ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a
  ) {
    throw new ValueError(where, text, INVALID);
  }
  const real =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60;
  // Most timestamps read are in canonical form already (PostgreSQL's binary
  // `COPY` gives them so): given back as they are, without building a string.
  if (
    real &&
    second < 60 &&
    separator === 0x54 &&
    length === (precision === 0 ? 20 : 21 + precision) &&
    text.charCodeAt(length - 1) === 0x5a &&
    (precision === 0 || (text.charCodeAt(19) === 0x2e && allDigits(text, 20, length - 1)))
  ) {
    return text;
  }

  let i = 19;
  let fraction = '';
  if (text.charCodeAt(i) === 0x2e) {
    const start = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === start) throw new ValueError(where, text, INVALID);
    fraction = text.slice(start, i);
  }

  let offsetSeconds = 0;
  const zone = text.charCodeAt(i);
  if (zone === 0x5a || zone === 0x7a) {
    i++;
  } else if (zone === 0x2b || zone === 0x2d) {
    const parts = [0, 0, 0];
    let part = 0;
    i++;
    // A sign needs at least its hours.
    if (i >= length) throw new ValueError(where, text, INVALID);
    while (part < 3 && i < length) {
      if (part > 0 && text.charCodeAt(i) === 0x3a) i++;
      const value = digits(text, i, 2);
      if (value < 0 || value > (part === 0 ? 23 : 59)) throw new ValueError(where, text, INVALID);
      parts[part++] = value;
      i += 2;
    }
    const magnitude = (parts[0] ?? 0) * 3600 + (parts[1] ?? 0) * 60 + (parts[2] ?? 0);
    offsetSeconds = zone === 0x2d ? -magnitude : magnitude;
  }
  if (i !== length) throw new ValueError(where, text, INVALID);

  if (!real) throw new ValueError(where, text, 'is not a valid date and time');
  const digitsText = fractionText(fraction, precision, where, text);
  if (offsetSeconds === 0 && second < 60) {
    return `${text.slice(0, 10)}T${text.slice(11, 19)}${digitsText}Z`;
  }
  const epochSeconds =
    daysFromCivil(year, month, day) * 86_400 + (hour * 60 + minute) * 60 + second - offsetSeconds;
  return fromEpochSeconds(epochSeconds, digitsText, where, text);
}

/**
 * The `.ffffff` part written for `fraction` at `precision` digits ('' for 0).
 * @throws {@link ValueError} when a digit beyond `precision` is not zero.
 */
function fractionText(fraction: string, precision: number, where: string, raw: unknown): string {
  if (fraction.length > precision && !/^0*$/.test(fraction.slice(precision))) {
    throw new ValueError(
      where,
      raw,
      `has non-zero fractional digits beyond the ${precision} the field declares ` +
        '(its `precision`): they would be lost',
    );
  }
  if (precision === 0) return '';
  return (
    '.' +
    (fraction.length >= precision ? fraction.slice(0, precision) : fraction.padEnd(precision, '0'))
  );
}

function fromEpochSeconds(seconds: number, fraction: string, where: string, raw: unknown): string {
  const ms = seconds * 1000;
  if (!(ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS)) {
    throw new ValueError(where, raw, 'is outside years 0000–9999 (UTC)');
  }
  // Written from the calendar arithmetic below: `Date#toISOString` took a
  // tenth of a SQLite export, whose demo timestamps carry zone offsets.
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return (
    civilText(days) +
    'T' +
    twoDigits(hour) +
    ':' +
    twoDigits(minute) +
    ':' +
    twoDigits(secondOfDay % 60) +
    fraction +
    'Z'
  );
}

/** `YYYY-MM-DD` of a day counted from 1970-01-01, years 0000–9999. */
function civilText(days: number): string {
  const [year, month, day] = civilDay(days);
  return String(year).padStart(4, '0') + '-' + twoDigits(month) + '-' + twoDigits(day);
}

function twoDigits(value: number): string {
  return value < 10 ? '0' + value : String(value);
}

/**
 * Formats milliseconds since the epoch in the canonical form with `precision`
 * fractional digits (see {@link timestampFromText}).
 * @param original - The raw value to name in an error. (Default: `epochMs`)
 * @param precision - Fractional digits written, 0–6. (Default: 3)
 * @throws {@link ValueError} when the instant is not a whole number of
 * milliseconds within years 0000–9999, or has a non-zero digit beyond `precision`.
 */
export function timestampFromEpochMs(
  epochMs: number,
  where: string,
  original?: unknown,
  precision = 3,
): string {
  if (!Number.isInteger(epochMs)) {
    throw new ValueError(
      where,
      original ?? epochMs,
      Number.isFinite(epochMs) ? 'is not a whole number of milliseconds' : 'is not an instant',
    );
  }
  const millis = ((epochMs % 1000) + 1000) % 1000;
  const fraction = fractionText(
    String(millis).padStart(3, '0'),
    precision,
    where,
    original ?? epochMs,
  );
  return fromEpochSeconds((epochMs - millis) / 1000, fraction, where, original ?? epochMs);
}

/**
 * Checks `YYYY-MM-DD` text (a real calendar day) and returns it unchanged.
 * @throws {@link ValueError} naming `where` otherwise.
 */
export function dateFromText(text: string, where: string): string {
  const m = DATE.exec(text);
  if (m !== null) {
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month)) {
      return text;
    }
  }
  throw new ValueError(where, text, 'is not a YYYY-MM-DD date');
}

/**
 * Reads the calendar day of a `Date` that stands at midnight UTC. Any other
 * time of day is refused rather than shifted: it is what a driver gives when it
 * builds dates at local midnight in a process that does not run in UTC.
 * @throws {@link ValueError} naming `where` otherwise.
 */
export function dateFromDate(value: Date, where: string): string {
  const ms = value.getTime();
  if (!(ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS)) {
    throw new ValueError(where, value, 'is outside years 0000–9999 (UTC)');
  }
  if (((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY !== 0) {
    throw new ValueError(where, value, 'is a date but not at midnight UTC; read dates as text');
  }
  return value.toISOString().slice(0, 10);
}

/** Whether the characters of `text` from `start` up to `end` are all ASCII digits. */
function allDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** The number written by `count` ASCII digits at `start`, or -1 if they are not all digits. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
