/**
 * A JSON number that no JavaScript number writes back the same: an integer
 * beyond what a double holds exactly (`12345678901234567890`), or a decimal
 * that is not the value of any double written longer than its shortest form
 * (`0.1000000000000000055511151231257827`). It holds the number's canonical
 * text (see {@link canonicalNumberText}), which every writer puts out as is.
 *
 * Instances are frozen and compare by their `text`.
 */
export class JsonNumber {
  /** The canonical text of the number: no exponent, no trailing zero after the point. */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
    Object.freeze(this);
  }

  toString(): string {
    return this.text;
  }
}

/** The values that stand for one JSON number in memory. */
export type JsonNumberValue = number | JsonNumber;

/** Why a number token cannot be carried: it is beyond what a double reaches. */
export class JsonNumberRangeError extends RangeError {
  override readonly name = 'JsonNumberRangeError';
}

const SHORT_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;

/**
 * The in-memory value of a JSON number token (RFC 8259 grammar, already
 * checked): a JavaScript number when `String(n)` writes the token's canonical
 * text, which holds for every integer within ±(2^53−1) and every decimal of up
 * to 15 significant digits; otherwise a {@link JsonNumber} holding that text.
 *
 * @throws {@link JsonNumberRangeError} for a number a double cannot reach.
 */
export function jsonNumberOf(token: string): JsonNumberValue {
  if (SHORT_INTEGER.test(token)) return token === '-0' ? 0 : Number(token);
  const text = canonicalNumberText(token);
  const value = Number(text);
  return String(value) === text ? value : new JsonNumber(text);
}

/**
 * The canonical text of a JSON number token, the one form every source gives
 * for the same value:
 *
 * - an integer (any value without a fractional part, whatever its notation:
 *   `1e2`, `100.0`) as its decimal digits, without exponent (`-0` is `0`);
 * - a non-integer that is exactly the value of a double, as RFC 8785
 *   (ECMAScript `Number#toString`) writes that double;
 * - any other non-integer as its exact decimal digits, without exponent and
 *   without trailing zeros (`1.50` is `1.5`, `1e-7` is `0.0000001`).
 *
 * @throws {@link JsonNumberRangeError} when the magnitude is beyond the largest
 * double (`1E400`) or, not being zero, below the smallest (`1E-400`): a JSON
 * reader that uses doubles would read Infinity or 0.
 */
export function canonicalNumberText(token: string): string {
  const negative = token.charCodeAt(0) === 0x2d;
  const exponentAt = token.search(/[eE]/);
  const mantissa = token.slice(negative ? 1 : 0, exponentAt === -1 ? token.length : exponentAt);
  const point = mantissa.indexOf('.');
  const fraction = point === -1 ? '' : mantissa.slice(point + 1);
  let digits = (point === -1 ? mantissa : mantissa.slice(0, point)) + fraction;
  let exponent = exponentAt === -1 ? 0 : Number(token.slice(exponentAt + 1));
  exponent -= fraction.length;
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 0x30) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 0x30) end--;
  if (start === end) return '0';
  exponent += digits.length - end;
  digits = digits.slice(start, end);

  const value = Number(token);
  if (!Number.isFinite(value)) {
    throw new JsonNumberRangeError(
      `${token} is beyond ±1.7976931348623157e308, the largest double`,
    );
  }
  if (value === 0) {
    throw new JsonNumberRangeError(`${token} is closer to zero than the smallest double, 5e-324`);
  }
  const sign = negative ? '-' : '';
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent);
  if (isExactDouble(value, digits, exponent)) return String(value);
  const whole = digits.length + exponent;
  return whole > 0
    ? `${sign}${digits.slice(0, whole)}.${digits.slice(whole)}`
    : `${sign}0.${'0'.repeat(-whole)}${digits}`;
}

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/**
 * Whether `digits × 10^exponent` (no trailing zero in `digits`, `exponent` < 0)
 * is exactly `value`. A non-integer double is `m × 2^e` with `m` odd and
 * `e` < 0, whose decimal expansion is `m × 5^-e` with exactly `-e` digits
 * after the point, the last one 5: so `exponent` must be `e`.
 */
function isExactDouble(value: number, digits: string, exponent: number): boolean {
  float[0] = Math.abs(value);
  const high = words[HIGH] as number;
  const low = words[LOW] as number;
  const biased = (high >>> 20) & 0x7ff;
  const top = (high & 0xfffff) | (biased === 0 ? 0 : 0x100000);
  const zeros = low !== 0 ? trailingZeros(low) : 32 + trailingZeros(top);
  const binaryExponent = (biased === 0 ? -1074 : biased - 1075) + zeros;
  if (binaryExponent !== exponent) return false;
  const significand = ((BigInt(top) << 32n) | BigInt(low)) >> BigInt(zeros);
  return (significand * 5n ** BigInt(-exponent)).toString() === digits;
}

function trailingZeros(word: number): number {
  return 31 - Math.clz32(word & -word);
}
