import type { JsonValue } from '../formats/index.js';
import { keyText } from './import-plan.js';

/** Stands for "the key is written as the bundle holds it". */
const SAME = Symbol('same key');

/**
 * The primary keys of one category in a bundle, each with the key it is
 * written with: a new one in `remap` mode, or with the tenant column set to
 * the target tenant. Only keys are held (a short text and the new key per
 * row, nothing of the rest of the row), so it stays small enough for large
 * tenants; a key written unchanged costs its text alone.
 */
export class IdIndex {
  private readonly keys = new Map<string, JsonValue | typeof SAME>();

  /** Records a key and the key it is written with; false when it was already recorded (a duplicate). */
  add(key: readonly JsonValue[], written: readonly JsonValue[]): boolean {
    const text = keyText(key);
    if (this.keys.has(text)) return false;
    const same = written.every((v, i) => v === key[i]);
    this.keys.set(text, same ? SAME : written.length === 1 ? written[0]! : [...written]);
    return true;
  }

  /** Whether the bundle holds `key`. */
  has(key: readonly JsonValue[]): boolean {
    return this.keys.has(keyText(key));
  }

  /** The key written for `key` (aligned with the primary key), or undefined when the bundle does not hold it. */
  resolve(key: readonly JsonValue[]): readonly JsonValue[] | undefined {
    const found = this.keys.get(keyText(key));
    if (found === undefined) return undefined;
    if (found === SAME) return key;
    return key.length === 1 ? [found] : (found as JsonValue[]);
  }

  get size(): number {
    return this.keys.size;
  }
}
