import type { RawValue } from '../sources/types.js';
import { ValueError } from './value-error.js';

const INTEGER_TEXT = /^-?\d+$/;
const NON_CANONICAL_INTEGER = /^-?0\d|^-0$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEGATIVE_ZERO = /^-0(?:\.0*)?$/;
const NUMBER_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this are refused before any digit is written out. */
const MAX_EXPONENT = 100_000;

/** `integer`: a JSON number within ±(2^53−1). */
export function toInteger(raw: NonNullable<RawValue>, where: string): number {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'bigint') value = Number(raw);
  else if (typeof raw === 'string' && INTEGER_TEXT.test(raw)) value = Number(raw);
  else throw new ValueError(where, raw, 'is not an integer');
  if (Number.isSafeInteger(value)) return value;
  throw new ValueError(
    where,
    raw,
    Number.isInteger(value)
      ? 'is beyond ±(2^53−1), the integers a JSON number holds exactly; declare the field as bigint'
      : 'is not an integer',
  );
}

/** `bigint`: the exact decimal digits, as a string. */
export function toBigint(raw: NonNullable<RawValue>, where: string): string {
  if (typeof raw === 'bigint') return raw.toString();
  if (typeof raw === 'string' && INTEGER_TEXT.test(raw)) {
    return NON_CANONICAL_INTEGER.test(raw) ? BigInt(raw).toString() : raw;
  }
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  throw new ValueError(where, raw, 'is not an exact integer');
}

/**
 * `float`: a finite double, written as its shortest round-trip text (`-0` as
 * `0`). From a number, number text (`1.5`, `1e-07`) or an integer a double
 * holds exactly; NaN and the infinities have no JSON form and fail.
 */
export function toFloat(raw: NonNullable<RawValue>, where: string): number {
  let value: number = Number.NaN;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && FLOAT_TEXT.test(raw)) value = Number(raw);
  else if (typeof raw === 'bigint') {
    value = Number(raw);
    if (BigInt(value) !== raw)
      throw new ValueError(where, raw, 'is an integer no double holds exactly');
  }
  if (Number.isFinite(value)) return value === 0 ? 0 : value;
  throw new ValueError(where, raw, 'is not a finite number (NaN and infinities have no JSON form)');
}

/**
 * The `decimal` converter of a field with `scale` digits after the point and,
 * when declared, `precision` significant digits in all: the value's exact
 * text with exactly `scale` digits after the point (none and no point for 0),
 * without leading zeros or a negative zero. Input: number text in any form
 * (`82472`, `0.1`, `1.5E3`), a `bigint`, or a finite number (by its shortest
 * round-trip text, which is what a SQLite REAL column gives back).
 *
 * A value does not fit, and fails, when it has a non-zero digit beyond
 * `scale` (it would need rounding) or more than `precision − scale` digits
 * before the point.
 */
export function decimalConverter(
  scale: number,
  precision: number | null,
): (raw: NonNullable<RawValue>, where: string) => string {
  const maxWhole = precision === null ? Infinity : precision - scale;
  const exact =
    scale === 0 ? /^-?(?:0|[1-9]\d*)$/ : new RegExp(`^-?(?:0|[1-9]\\d*)\\.\\d{${scale}}$`);
  return (raw, where) => {
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (typeof raw === 'bigint') text = raw.toString();
    else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
    else throw new ValueError(where, raw, 'is not an exact decimal number');
    // The common case: the database printed the value at the declared scale.
    if (exact.test(text) && !NEGATIVE_ZERO.test(text)) {
      const sign = text.charCodeAt(0) === 0x2d ? 1 : 0;
      const point = text.indexOf('.');
      const digits = (point === -1 ? text.length : point) - sign;
      const whole = digits === 1 && text.charCodeAt(sign) === 0x30 ? 0 : digits;
      if (whole <= maxWhole) return text;
    }
    return scaled(text, raw, where, scale, precision, maxWhole);
  };
}

function scaled(
  text: string,
  raw: unknown,
  where: string,
  scale: number,
  precision: number | null,
  maxWhole: number,
): string {
  const m = NUMBER_TEXT.exec(text);
  const intDigits = m?.[2] ?? '';
  const fracDigits = m?.[3] ?? '';
  if (m === null || intDigits.length + fracDigits.length === 0) {
    throw new ValueError(where, raw, 'is not an exact decimal number');
  }
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  const digits = intDigits + fracDigits;
  const first = digits.search(/[1-9]/);
  if (first === -1) return scale === 0 ? '0' : `0.${'0'.repeat(scale)}`;
  const point = intDigits.length + exponent;
  if (Math.abs(exponent) > MAX_EXPONENT) {
    throw new ValueError(where, raw, `is too large or too small for a decimal of scale ${scale}`);
  }
  const whole = point <= first ? '' : digits.slice(first, point).padEnd(point - first, '0');
  const fraction = point >= 0 ? digits.slice(point) : '0'.repeat(-point) + digits;
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) {
    throw new ValueError(
      where,
      raw,
      `has more than ${scale} digits after the point (the field's scale): it would need rounding`,
    );
  }
  if (whole.length > maxWhole) {
    throw new ValueError(
      where,
      raw,
      `has ${whole.length} digits before the point; precision ${precision} with scale ${scale} holds ${maxWhole}`,
    );
  }
  const sign = m[1] === '-' ? '-' : '';
  const kept = fraction.slice(0, scale).padEnd(scale, '0');
  return sign + (whole === '' ? '0' : whole) + (scale === 0 ? '' : `.${kept}`);
}
