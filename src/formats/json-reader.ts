import { jsonNumberOf, JsonNumberRangeError } from './json-number.js';
import type { JsonValue } from './types.js';

/**
 * How deeply arrays and objects may nest: the limit SQLite's own JSON
 * functions apply, far below what would exhaust the stack of the recursive
 * reader and writer.
 */
export const MAX_JSON_DEPTH = 1000;

/** JSON text that {@link parseJson} refuses; the message says what and where. */
export class JsonTextError extends SyntaxError {
  override readonly name = 'JsonTextError';
}

/**
 * Reads JSON text (RFC 8259) without losing anything `JSON.parse` would:
 *
 * - numbers never pass through a double: each becomes a JavaScript number
 *   only when that number writes back the same canonical text, otherwise a
 *   {@link JsonNumber} holding it (see `jsonNumberOf`);
 * - a number beyond what a double reaches (`1E400`, `1E-400`), a key that
 *   appears twice in one object, a lone surrogate (escaped or raw) and
 *   nesting deeper than `maxDepth` are refused, not mended;
 * - objects are plain objects holding their keys in the text's order (a
 *   `__proto__` key is an ordinary own key).
 *
 * @param maxDepth - How deeply arrays and objects may nest (default
 * {@link MAX_JSON_DEPTH}; a record holding `json` fields takes one more).
 * @throws {@link JsonTextError} naming the problem and its offset.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonValue {
  const reader = new Reader(text, maxDepth);
  reader.skipSpace();
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.at < text.length) reader.fail('unexpected text after the value');
  return value;
}

/** How many keys of an object {@link Reader.key} remembers, by their place in it. */
const RECENT_KEYS = 64;
const recentKeys: (string | undefined)[] = [];

class Reader {
  at = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(problem: string, at = this.at): never {
    throw new JsonTextError(`${problem} at offset ${at}`);
  }

  skipSpace(): void {
    const text = this.text;
    let at = this.at;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) at++;
      else break;
    }
    this.at = at;
  }

  value(depth: number): JsonValue {
    const code = this.text.charCodeAt(this.at);
    switch (code) {
      case 0x22:
        return this.string();
      case 0x7b:
        return this.object(depth + 1);
      case 0x5b:
        return this.array(depth + 1);
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        if (code === 0x2d || (code >= 0x30 && code <= 0x39)) return this.number();
        return this.fail(Number.isNaN(code) ? 'unexpected end of text' : 'unexpected character');
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) this.fail('unexpected character');
    this.at += word.length;
    return value;
  }

  private array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    this.at++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth));
      this.skipSpace();
      const code = this.text.charCodeAt(this.at++);
      if (code === 0x5d) return items;
      if (code !== 0x2c) this.fail('expected "," or "]"', this.at - 1);
    }
  }

  private object(depth: number): { [key: string]: JsonValue } {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    this.at++;
    const object: { [key: string]: JsonValue } = {};
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return object;
    }
    for (let ordinal = 0; ; ordinal++) {
      this.skipSpace();
      const keyAt = this.at;
      if (this.text.charCodeAt(keyAt) !== 0x22) this.fail('expected a key');
      const key = this.key(ordinal);
      this.skipSpace();
      if (this.text.charCodeAt(this.at++) !== 0x3a) this.fail('expected ":"', this.at - 1);
      this.skipSpace();
      const value = this.value(depth);
      if (Object.hasOwn(object, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        object[key] = value;
      }
      this.skipSpace();
      const code = this.text.charCodeAt(this.at++);
      if (code === 0x7d) return object;
      if (code !== 0x2c) this.fail('expected "," or "}"', this.at - 1);
    }
  }

  /**
   * The key at {@link at}, the `ordinal`-th of its object. Records of one
   * kind name the same keys in the same order, so the key read last at that
   * place is tried first: taken when the text holds exactly it, unescaped,
   * it spares a new string and V8's lookup of it among the property names.
   */
  private key(ordinal: number): string {
    const text = this.text;
    const start = this.at + 1;
    const known = recentKeys[ordinal];
    if (
      known !== undefined &&
      text.charCodeAt(start + known.length) === 0x22 &&
      text.startsWith(known, start)
    ) {
      this.at = start + known.length + 1;
      return known;
    }
    const key = this.string();
    // Only a key written without an escape is kept: its text is the key
    // itself, so a match of the text is a match of the key.
    if (ordinal < RECENT_KEYS && this.at - 1 - start === key.length) recentKeys[ordinal] = key;
    return key;
  }

  private string(): string {
    const text = this.text;
    const start = ++this.at;
    let at = start;
    // The common case: no escape, no control character, no surrogate.
    for (;;) {
      const code = text.charCodeAt(at);
      if (code === 0x22) {
        this.at = at + 1;
        return text.slice(start, at);
      }
      if (code === 0x5c || code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || Number.isNaN(code))
        break;
      at++;
    }
    let value = '';
    let run = start;
    for (;;) {
      const code = text.charCodeAt(at);
      if (Number.isNaN(code)) this.fail('unterminated string', start - 1);
      if (code === 0x22) {
        this.at = at + 1;
        return value + text.slice(run, at);
      }
      if (code === 0x5c) {
        const [unit, next] = this.escape(at);
        value += text.slice(run, at) + unit;
        at = run = next;
      } else if (code < 0x20) {
        this.fail('a control character in a string', at);
      } else if (code >= 0xd800 && code <= 0xdfff) {
        const low = text.charCodeAt(at + 1);
        if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) this.fail('a lone surrogate', at);
        at += 2;
      } else {
        at++;
      }
    }
  }

  /** The text of the escape at `at` (a surrogate pair as one) and where the string goes on. */
  private escape(at: number): [string, number] {
    const text = this.text;
    switch (text.charCodeAt(at + 1)) {
      case 0x22:
        return ['"', at + 2];
      case 0x5c:
        return ['\\', at + 2];
      case 0x2f:
        return ['/', at + 2];
      case 0x62:
        return ['\b', at + 2];
      case 0x66:
        return ['\f', at + 2];
      case 0x6e:
        return ['\n', at + 2];
      case 0x72:
        return ['\r', at + 2];
      case 0x74:
        return ['\t', at + 2];
      case 0x75: {
        const unit = this.hex(at + 2);
        if (unit < 0xd800 || unit > 0xdfff) return [String.fromCharCode(unit), at + 6];
        const low = text.startsWith('\\u', at + 6) ? this.hex(at + 8) : -1;
        if (unit > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
          this.fail(`a lone surrogate \\u${unit.toString(16)}`, at);
        }
        return [String.fromCharCode(unit, low), at + 12];
      }
      default:
        return this.fail('an invalid escape', at);
    }
  }

  private hex(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('an invalid \\u escape', at - 2);
    return parseInt(digits, 16);
  }

  private number(): JsonValue {
    const text = this.text;
    const start = this.at;
    let at = start;
    if (text.charCodeAt(at) === 0x2d) at++;
    const first = text.charCodeAt(at);
    if (first === 0x30) at++;
    else if (first >= 0x31 && first <= 0x39) at = this.digits(at);
    else this.fail('invalid number', start);
    if (text.charCodeAt(at) === 0x2e) {
      const next = this.digits(at + 1);
      if (next === at + 1) this.fail('invalid number', start);
      at = next;
    }
    const e = text.charCodeAt(at);
    if (e === 0x65 || e === 0x45) {
      at++;
      const sign = text.charCodeAt(at);
      if (sign === 0x2b || sign === 0x2d) at++;
      const next = this.digits(at);
      if (next === at) this.fail('invalid number', start);
      at = next;
    }
    this.at = at;
    try {
      return jsonNumberOf(text.slice(start, at));
    } catch (error) {
      if (error instanceof JsonNumberRangeError)
        this.fail(`a number JSON cannot carry: ${error.message}`, start);
      throw error;
    }
  }

  private digits(at: number): number {
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code >= 0x30 && code <= 0x39) at++;
      else return at;
    }
  }
}
