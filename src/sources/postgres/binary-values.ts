import type { RawValue } from '../types.js';
import { civilDay } from '../../calendar/civil-day.js';

/**
 * Decodes one non-null value of a column from its binary form (the type's
 * `send` function's bytes, as binary `COPY` writes them), found at
 * `buf[at … at + length)`.
 */
export type BinaryDecode = (buf: Buffer, at: number, length: number) => RawValue;

/** Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
const EPOCH_DAYS = 10_957;
const MICROS_PER_DAY = 86_400_000_000;
const TWO_32 = 4_294_967_296;

/**
 * Integers are read by hand: Buffer's `readInt32BE` and its kind check their
 * arguments on every call, a cost per value that shows in a profile.
 */
function int32(buf: Buffer, at: number): number {
  return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
}

function uint32(buf: Buffer, at: number): number {
  return int32(buf, at) >>> 0;
}

function uint16(buf: Buffer, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}

function int16(buf: Buffer, at: number): number {
  return (uint16(buf, at) << 16) >> 16;
}

/** Node's own UTF-8 decoding of a range, without `toString`'s argument handling. */
interface Utf8Slicing {
  utf8Slice(start: number, end: number): string;
}

const utf8Text: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as Partial<Utf8Slicing>).utf8Slice === 'function'
    ? (buf, start, end) => (buf as unknown as Utf8Slicing).utf8Slice(start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);

const int2: BinaryDecode = int16;
const int4: BinaryDecode = int32;
const oid: BinaryDecode = uint32;
const float8: BinaryDecode = (buf, at) => buf.readDoubleBE(at);
const bool: BinaryDecode = (buf, at) => buf[at] !== 0;
const bytes: BinaryDecode = (buf, at, length) => Buffer.from(buf.subarray(at, at + length));
const text: BinaryDecode = (buf, at, length) => utf8Text(buf, at, at + length);
/** jsonb: a version byte (1), then the text jsonb prints. */
const jsonb: BinaryDecode = (buf, at, length) => {
  if (buf[at] !== 1) throw new Error(`jsonb in binary form version ${buf[at]} is not known`);
  return utf8Text(buf, at + 1, at + length);
};

/** int8 as a number when it is one exactly, else its decimal text (as the text path gives it). */
const int8: BinaryDecode = (buf, at) => {
  const high = int32(buf, at);
  // Within ±2^53 the high half times 2^32 plus the low half is exact.
  if (high >= -0x20_0000 && high < 0x20_0000) {
    const value = high * TWO_32 + uint32(buf, at + 4);
    if (Number.isSafeInteger(value)) return value;
  }
  return buf.readBigInt64BE(at).toString();
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** uuid: 16 bytes, printed as lowercase `8-4-4-4-12` hex, as PostgreSQL prints it. */
const uuid: BinaryDecode = (buf, at) => {
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[buf[at + i]!]!;
  }
  return out;
};

/**
 * numeric: its text as `numeric_out` prints it: `NaN`, `Infinity`,
 * `-Infinity`, or the digits with exactly the value's display scale after
 * the point. The binary form holds base-10000 digits, the weight of the
 * first, a sign and the display scale.
 */
const numeric: BinaryDecode = (buf, at) => {
  const count = uint16(buf, at);
  const weight = int16(buf, at + 2);
  const sign = uint16(buf, at + 4);
  const scale = uint16(buf, at + 6);
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  const digit = (d: number) => (d >= 0 && d < count ? uint16(buf, at + 8 + 2 * d) : 0);
  let out = sign === 0x4000 ? '-' : '';
  let d = 0;
  if (weight < 0) {
    d = weight + 1;
    out += '0';
  } else {
    out += String(digit(0));
    for (d = 1; d <= weight; d++) out += FOUR_DIGITS[digit(d)]!;
  }
  if (scale > 0) {
    let fraction = '';
    for (; fraction.length < scale; d++) fraction += FOUR_DIGITS[digit(d)]!;
    out += '.' + (fraction.length === scale ? fraction : fraction.slice(0, scale));
  }
  return out;
};

/** `0000` to `9999`: numeric's base-10000 digits after the first. */
const FOUR_DIGITS = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

/** `00` to `99`. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function pad2(n: number): string {
  return TWO_DIGITS[n]!;
}

/** A year as PostgreSQL's ISO style prints it: at least 4 digits, years BC counted from 1. */
function yearText(year: number): string {
  return String(year > 0 ? year : 1 - year).padStart(4, '0');
}

/** `YYYY-MM-DD` of a day counted from 1970-01-01, with the year as {@link yearText} prints it; ` BC` is the caller's. */
function dayText(days: number): { text: string; bc: boolean } {
  const [year, month, day] = civilDay(days);
  return { text: `${yearText(year)}-${pad2(month)}-${pad2(day)}`, bc: year <= 0 };
}

/** date: days since 2000-01-01, printed `YYYY-MM-DD` (ISO style), ` BC` appended before year 1. */
function dateDecoder(): BinaryDecode {
  let lastDays = Number.NaN;
  let last = '';
  return (buf, at) => {
    const days = int32(buf, at);
    if (days === lastDays) return last;
    if (days === -0x8000_0000) return '-infinity';
    if (days === 0x7fff_ffff) return 'infinity';
    const { text, bc } = dayText(days + EPOCH_DAYS);
    lastDays = days;
    last = bc ? text + ' BC' : text;
    return last;
  };
}

/** The fraction `.fff` of a whole number of milliseconds, trailing zeros dropped, by milliseconds. */
const MILLIS = Array.from({ length: 1000 }, (_, i) =>
  i === 0 ? '' : '.' + String(i).padStart(3, '0').replace(/0+$/, ''),
);

/** `HH:MM:SS` and the fraction of microseconds into a day, trailing zeros of the fraction dropped. */
function timeText(micros: number): string {
  const fraction = micros % 1_000_000;
  const seconds = (micros - fraction) / 1_000_000;
  const minutes = (seconds - (seconds % 60)) / 60;
  const hours = (minutes - (minutes % 60)) / 60;
  const time = pad2(hours) + ':' + pad2(minutes % 60) + ':' + pad2(seconds % 60);
  if (fraction % 1000 === 0) return time + MILLIS[fraction / 1000]!;
  return time + '.' + String(fraction).padStart(6, '0').replace(/0+$/, '');
}

/** The day (from 1970-01-01) and the microseconds into it of a timestamp's int64, or its infinity. */
function instant(buf: Buffer, at: number): { days: number; micros: number } | string {
  const high = int32(buf, at);
  const low = uint32(buf, at + 4);
  if (high === -0x8000_0000 && low === 0) return '-infinity';
  if (high === 0x7fff_ffff && low === 0xffff_ffff) return 'infinity';
  const value = high * TWO_32 + low;
  if (Number.isSafeInteger(value)) {
    const micros = ((value % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
    return { days: (value - micros) / MICROS_PER_DAY + EPOCH_DAYS, micros };
  }
  // Beyond ±2^53 µs (about 285 years from 2000) a double is not exact.
  const big = buf.readBigInt64BE(at);
  const perDay = BigInt(MICROS_PER_DAY);
  const micros = ((big % perDay) + perDay) % perDay;
  return { days: Number((big - micros) / perDay) + EPOCH_DAYS, micros: Number(micros) };
}

/**
 * A timestamp's text as PostgreSQL prints it in the ISO style:
 * `YYYY-MM-DD HH:MM:SS[.ffffff]`, then `zone` (`+00` for timestamptz, the
 * session being in UTC), then ` BC` before year 1; or `infinity`, `-infinity`.
 */
function printedTimestamp(buf: Buffer, at: number, zone: string): string {
  const parts = instant(buf, at);
  if (typeof parts === 'string') return parts;
  const { text, bc } = dayText(parts.days);
  const out = `${text} ${timeText(parts.micros)}${zone}`;
  return bc ? out + ' BC' : out;
}

const digit = (n: number): number => 0x30 + n;

/**
 * The decoder of a timestamp column (`zone` `+00` for timestamptz, '' for
 * timestamp). A value within ±2^53 µs of 2000 (years 1715–2284, where the
 * microseconds are exact as a double) is given as the value model's canonical
 * RFC 3339 text, `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]Z`, built as one flat
 * string (timestamp without time zone is UTC, as its text is read): with the
 * column's declared fractional digits when it declares 0 or 3, so that the
 * value model takes it as it is when the field declares as many, else 6.
 * Any other value (earlier or later, infinities) as PostgreSQL prints it: the
 * value model reads, or refuses, that text as it did.
 * @param typmod - The column's type modifier: its declared precision, or -1.
 */
function timestampDecoder(zone: string, typmod: number): BinaryDecode {
  const declared = typmod === 0 || typmod === 3 ? typmod : 6;
  // Rows in key order often share their day: its date is kept from the last value.
  let lastDays = Number.NaN;
  let y0 = 0,
    y1 = 0,
    y2 = 0,
    y3 = 0,
    mo0 = 0,
    mo1 = 0,
    d0 = 0,
    d1 = 0;
  let inRange = false;
  return (buf, at) => {
    const value = int32(buf, at) * TWO_32 + uint32(buf, at + 4);
    if (!Number.isSafeInteger(value)) return printedTimestamp(buf, at, zone);
    const micros = ((value % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
    const days = (value - micros) / MICROS_PER_DAY + EPOCH_DAYS;
    if (days !== lastDays) {
      const [year, month, day] = civilDay(days);
      inRange = year >= 1 && year <= 9999;
      y0 = digit(Math.floor(year / 1000));
      y1 = digit(Math.floor(year / 100) % 10);
      y2 = digit(Math.floor(year / 10) % 10);
      y3 = digit(year % 10);
      mo0 = digit(Math.floor(month / 10));
      mo1 = digit(month % 10);
      d0 = digit(Math.floor(day / 10));
      d1 = digit(day % 10);
      lastDays = days;
    }
    if (!inRange) return printedTimestamp(buf, at, zone);
    const fraction = micros % 1_000_000;
    const seconds = (micros - fraction) / 1_000_000;
    const second = seconds % 60;
    const minutes = (seconds - second) / 60;
    const minute = minutes % 60;
    const hour = (minutes - minute) / 60;
    const h0 = digit(Math.floor(hour / 10));
    const h1 = digit(hour % 10);
    const i0 = digit(Math.floor(minute / 10));
    const i1 = digit(minute % 10);
    const s0 = digit(Math.floor(second / 10));
    const s1 = digit(second % 10);
    // One flat string for `YYYY-MM-DDTHH:MM:SS`; the fraction and `Z` follow.
    // prettier-ignore
    const head = String.fromCharCode(y0, y1, y2, y3, 45, mo0, mo1, 45, d0, d1, 84, h0, h1, 58, i0, i1, 58, s0, s1);
    // A value with more digits than the column declares keeps them all.
    const digits =
      declared === 0 && fraction !== 0 ? 6 : declared === 3 && fraction % 1000 !== 0 ? 6 : declared;
    if (digits === 0) return head + 'Z';
    if (digits === 3) return head + '.' + THREE_DIGITS[fraction / 1000]! + 'Z';
    return head + '.' + sixDigits(fraction) + 'Z';
  };
}

/** `000` to `999`: milliseconds. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `000000` to `999999`: microseconds. */
function sixDigits(micros: number): string {
  return THREE_DIGITS[Math.floor(micros / 1000)]! + THREE_DIGITS[micros % 1000]!;
}

/** time: microseconds since midnight, printed `HH:MM:SS[.ffffff]`. */
const time: BinaryDecode = (buf, at) => timeText(int32(buf, at) * TWO_32 + uint32(buf, at + 4));

/**
 * The binary decoders by type OID: each gives the value the text protocol's
 * parsers give for the same value (`SOURCE_TYPES`), given the snapshot's
 * session settings (UTC, ISO dates, `extra_float_digits` 1), except
 * timestamps of years 1715–2284, given in the value model's canonical form of
 * the same instant. float4, intervals, arrays and the rest are left to the
 * text path. A factory makes each column a decoder of its own.
 */
const DECODERS = new Map<number, (typmod: number) => BinaryDecode>([
  [16, () => bool],
  [17, () => bytes],
  [19, () => text], // name
  [20, () => int8],
  [21, () => int2],
  [23, () => int4],
  [25, () => text],
  [26, () => oid],
  [114, () => text], // json
  [701, () => float8],
  [1042, () => text], // char(n), its padding kept
  [1043, () => text], // varchar
  [1082, dateDecoder],
  [1083, () => time],
  [1114, (typmod) => timestampDecoder('', typmod)],
  [1184, (typmod) => timestampDecoder('+00', typmod)],
  [1700, () => numeric],
  [2950, () => uuid],
  [3802, () => jsonb],
]);

/** Decodes text-like types that are not built in (enums, citext): their binary form is their text. */
export const TEXT_DECODER: BinaryDecode = text;

/**
 * The binary decoder of a column of a built-in type, or undefined when the
 * type is read as text.
 * @param typmod - The column's type modifier, as the query's description gives it (-1 for none).
 */
export function binaryDecoderOf(typeOid: number, typmod: number): BinaryDecode | undefined {
  return DECODERS.get(typeOid)?.(typmod);
}
