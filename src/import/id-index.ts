import type { JsonValue } from '../formats/index.js';
import { keyText } from './import-plan.js';

/** Stands for "the key is written as the bundle holds it". */
const SAME = Symbol('same key');

/** An integer within ±(2^53 − 1), as a number or as its decimal digits (the form `keyText` equates). */
const INTEGER_TEXT = /^-?(?:0|[1-9]\d{0,14})$/;

/** Keys per block of an index's arrays (a power of two): 512 KiB a key field. */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const IN_BLOCK = BLOCK - 1;

/**
 * The primary keys of one category in a bundle, each with the key it is
 * written with: a new one in `remap` mode, or with the tenant column set to
 * the target tenant. Only keys are held, nothing of the rest of the row.
 *
 * Keys made of integers that arrive in ascending order (an export writes a
 * category in primary-key order) are held as 8-byte numbers in sorted arrays
 * and found by binary search: about 8 bytes a key field, so that the index of
 * a tenant of millions of rows stays a few tens of megabytes. Any other key
 * (text, UUID, or out of order) is held by its text in a map. A key written
 * unchanged costs nothing more; a changed one is kept beside it.
 */
export class IdIndex {
  /**
   * The sorted keys, per key field a list of blocks, `count` keys used. Full
   * blocks are never copied: growing adds a block.
   */
  private columns: Float64Array[][] = [];
  private count = 0;
  /** The key written for each sorted key, once one differs from its bundle key. */
  private writtenKeys: (JsonValue | typeof SAME)[] | null = null;
  /** Keys that are not ascending integers, by their text. */
  private readonly others = new Map<string, JsonValue | typeof SAME>();

  /** Records a key and the key it is written with; false when it was already recorded (a duplicate). */
  add(key: readonly JsonValue[], written: readonly JsonValue[]): boolean {
    const same = written.every((v, i) => v === key[i]);
    const numbers = integers(key);
    if (numbers !== null && this.isAscending(numbers)) {
      if (this.find(numbers) >= 0) return false;
      this.push(numbers);
      if (!same || this.writtenKeys !== null) {
        this.writtenKeys ??= new Array<typeof SAME>(this.count - 1).fill(SAME);
        this.writtenKeys.push(same ? SAME : written.length === 1 ? written[0]! : [...written]);
      }
      return true;
    }
    if (numbers !== null && this.find(numbers) >= 0) return false;
    const text = keyText(key);
    if (this.others.has(text)) return false;
    this.others.set(text, same ? SAME : written.length === 1 ? written[0]! : [...written]);
    return true;
  }

  /** Whether the bundle holds `key`. */
  has(key: readonly JsonValue[]): boolean {
    const numbers = integers(key);
    if (numbers !== null && this.find(numbers) >= 0) return true;
    return this.others.has(keyText(key));
  }

  /** The key written for `key` (aligned with the primary key), or undefined when the bundle does not hold it. */
  resolve(key: readonly JsonValue[]): readonly JsonValue[] | undefined {
    const numbers = integers(key);
    const at = numbers === null ? -1 : this.find(numbers);
    const found = at >= 0 ? (this.writtenKeys?.[at] ?? SAME) : this.others.get(keyText(key));
    if (found === undefined) return undefined;
    if (found === SAME) return key;
    return key.length === 1 ? [found] : (found as JsonValue[]);
  }

  get size(): number {
    return this.count + this.others.size;
  }

  /** Whether `numbers` sorts after every key held in the arrays (and has their number of fields). */
  private isAscending(numbers: readonly number[]): boolean {
    if (this.count === 0)
      return this.columns.length === 0 || this.columns.length === numbers.length;
    if (this.columns.length !== numbers.length) return false;
    return compareAt(this.columns, this.count - 1, numbers) < 0;
  }

  /** The position of `numbers` among the sorted keys, or -1. */
  private find(numbers: readonly number[]): number {
    if (this.columns.length !== numbers.length) return -1;
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const order = compareAt(this.columns, mid, numbers);
      if (order === 0) return mid;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  private push(numbers: readonly number[]): void {
    if (this.columns.length === 0) this.columns = numbers.map(() => []);
    const block = this.count >>> BLOCK_BITS;
    const at = this.count & IN_BLOCK;
    numbers.forEach((n, k) => {
      const blocks = this.columns[k]!;
      // The first block starts small and grows to a full one, for small categories.
      if (at === 0) blocks.push(new Float64Array(block === 0 ? 1024 : BLOCK));
      let held = blocks[block]!;
      if (at === held.length) {
        const larger = new Float64Array(Math.min(BLOCK, held.length * 4));
        larger.set(held);
        held = blocks[block] = larger;
      }
      held[at] = n;
    });
    this.count++;
  }
}

/** The key as numbers when every field of it is an integer (as `keyText` reads them), else null. */
function integers(key: readonly JsonValue[]): number[] | null {
  const numbers: number[] = [];
  for (const value of key) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) numbers.push(value);
    else if (typeof value === 'string' && INTEGER_TEXT.test(value) && value !== '-0') {
      numbers.push(Number(value));
    } else return null;
  }
  return numbers;
}

/** The order of the sorted key at `at` against `numbers`, field by field. */
function compareAt(
  columns: readonly (readonly Float64Array[])[],
  at: number,
  numbers: readonly number[],
): number {
  const block = at >>> BLOCK_BITS;
  const offset = at & IN_BLOCK;
  for (let k = 0; k < numbers.length; k++) {
    const held = columns[k]![block]![offset]!;
    if (held !== numbers[k]) return held < numbers[k]! ? -1 : 1;
  }
  return 0;
}
