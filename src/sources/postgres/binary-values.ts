import type { RawValue } from '../types.js';

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

const int2: BinaryDecode = (buf, at) => buf.readInt16BE(at);
const int4: BinaryDecode = (buf, at) => buf.readInt32BE(at);
const oid: BinaryDecode = (buf, at) => buf.readUInt32BE(at);
const float8: BinaryDecode = (buf, at) => buf.readDoubleBE(at);
const bool: BinaryDecode = (buf, at) => buf[at] !== 0;
const bytes: BinaryDecode = (buf, at, length) => Buffer.from(buf.subarray(at, at + length));
const text: BinaryDecode = (buf, at, length) => buf.toString('utf8', at, at + length);
/** jsonb: a version byte (1), then the text jsonb prints. */
const jsonb: BinaryDecode = (buf, at, length) => {
  if (buf[at] !== 1) throw new Error(`jsonb in binary form version ${buf[at]} is not known`);
  return buf.toString('utf8', at + 1, at + length);
};

/** int8 as a number when it is one exactly, else its decimal text (as the text path gives it). */
const int8: BinaryDecode = (buf, at) => {
  const high = buf.readInt32BE(at);
  // Within ±2^53 the high half times 2^32 plus the low half is exact.
  if (high >= -0x20_0000 && high < 0x20_0000) {
    const value = high * TWO_32 + buf.readUInt32BE(at + 4);
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
  const count = buf.readInt16BE(at);
  const weight = buf.readInt16BE(at + 2);
  const sign = buf.readUInt16BE(at + 4);
  const scale = buf.readInt16BE(at + 6);
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  const digit = (d: number) => (d >= 0 && d < count ? buf.readInt16BE(at + 8 + 2 * d) : 0);
  let out = sign === 0x4000 ? '-' : '';
  let d = 0;
  if (weight < 0) {
    d = weight + 1;
    out += '0';
  } else {
    for (; d <= weight; d++) {
      const value = digit(d);
      out += d === 0 ? String(value) : String(value).padStart(4, '0');
    }
  }
  if (scale > 0) {
    let fraction = '';
    for (; fraction.length < scale; d++) fraction += String(digit(d)).padStart(4, '0');
    out += '.' + fraction.slice(0, scale);
  }
  return out;
};

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** A year as PostgreSQL's ISO style prints it: at least 4 digits, years BC counted from 1. */
function yearText(year: number): string {
  return String(year > 0 ? year : 1 - year).padStart(4, '0');
}

/**
 * `YYYY-MM-DD` of a day counted from 1970-01-01 in the proleptic Gregorian
 * calendar (H. Hinnant's algorithm), with the year as {@link yearText} prints it.
 * The caller appends ` BC` for a year at or before 0.
 */
function dayText(days: number): { text: string; bc: boolean } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { text: `${yearText(year)}-${pad2(month)}-${pad2(day)}`, bc: year <= 0 };
}

/** date: days since 2000-01-01, printed `YYYY-MM-DD` (ISO style), ` BC` appended before year 1. */
const date: BinaryDecode = (buf, at) => {
  const days = buf.readInt32BE(at);
  if (days === -0x8000_0000) return '-infinity';
  if (days === 0x7fff_ffff) return 'infinity';
  const { text, bc } = dayText(days + EPOCH_DAYS);
  return bc ? text + ' BC' : text;
};

/** `HH:MM:SS` and the fraction of microseconds into a day, trailing zeros of the fraction dropped. */
function timeText(micros: number): string {
  const fraction = micros % 1_000_000;
  const seconds = (micros - fraction) / 1_000_000;
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  if (fraction === 0) return time;
  let digits = String(fraction).padStart(6, '0');
  while (digits.charCodeAt(digits.length - 1) === 0x30) digits = digits.slice(0, -1);
  return time + '.' + digits;
}

/** The day (from 1970-01-01) and the microseconds into it of a timestamp's int64, or its infinity. */
function instant(buf: Buffer, at: number): { days: number; micros: number } | string {
  const high = buf.readInt32BE(at);
  const low = buf.readUInt32BE(at + 4);
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
 * session being in UTC), then ` BC` before year 1.
 */
function timestampDecoder(zone: string): BinaryDecode {
  return (buf, at) => {
    const parts = instant(buf, at);
    if (typeof parts === 'string') return parts;
    const { text, bc } = dayText(parts.days);
    const out = `${text} ${timeText(parts.micros)}${zone}`;
    return bc ? out + ' BC' : out;
  };
}

/** time: microseconds since midnight, printed `HH:MM:SS[.ffffff]`. */
const time: BinaryDecode = (buf, at) => {
  const high = buf.readInt32BE(at);
  return timeText(high * TWO_32 + buf.readUInt32BE(at + 4));
};

/**
 * The binary decoders by type OID: each gives exactly the value the text
 * protocol's parsers give for the same value (`SOURCE_TYPES`), given the
 * snapshot's session settings (UTC, ISO dates, `extra_float_digits` 1).
 * float4, intervals, arrays and the rest are left to the text path.
 */
const DECODERS: ReadonlyMap<number, BinaryDecode> = new Map([
  [16, bool],
  [17, bytes],
  [19, text], // name
  [20, int8],
  [21, int2],
  [23, int4],
  [25, text],
  [26, oid],
  [114, text], // json
  [701, float8],
  [1042, text], // char(n), its padding kept
  [1043, text], // varchar
  [1082, date],
  [1083, time],
  [1114, timestampDecoder('')],
  [1184, timestampDecoder('+00')],
  [1700, numeric],
  [2950, uuid],
  [3802, jsonb],
]);

/** Decodes text-like types that are not built in (enums, citext): their binary form is their text. */
export const TEXT_DECODER: BinaryDecode = text;

/** The binary decoder of a built-in type, or undefined when the type is read as text. */
export function binaryDecoderOf(typeOid: number): BinaryDecode | undefined {
  return DECODERS.get(typeOid);
}
