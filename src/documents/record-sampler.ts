import type { JsonValue, Row } from '../formats/index.js';
import { DEFAULT_MAX_CELL_CHARS, type RecordSamples } from './document-input.js';

/** Options of a {@link RecordSampler}. */
export interface RecordSamplerOptions {
  /** Records kept per category. (Default: 200) */
  readonly limit?: number;
  /**
   * Text values longer than this are cut to a little more than it: enough for
   * the HTML view to show them shortened. (Default: 500)
   */
  readonly maxCellChars?: number;
}

/**
 * Keeps the first records of each category while the export streams them, for
 * the HTML view: at most `limit` records per category, long text cut, so its
 * memory stays bounded whatever the category's size.
 */
export class RecordSampler {
  readonly #limit: number;
  readonly #maxChars: number;
  readonly #samples = new Map<string, Row[]>();

  constructor(options: RecordSamplerOptions = {}) {
    this.#limit = options.limit ?? 200;
    this.#maxChars = options.maxCellChars ?? DEFAULT_MAX_CELL_CHARS;
  }

  /** Offers one record of `category`; it is kept while the category has fewer than `limit`. */
  add(category: string, row: Row): void {
    let rows = this.#samples.get(category);
    if (rows === undefined) {
      rows = [];
      this.#samples.set(category, rows);
    }
    if (rows.length < this.#limit) rows.push(row.map((value) => this.#clip(value)));
  }

  /** The records kept so far, by category name. */
  samples(): RecordSamples {
    return this.#samples;
  }

  #clip(value: JsonValue): JsonValue {
    if (typeof value !== 'string' || value.length <= this.#maxChars) return value;
    return cutText(value, this.#maxChars + 2);
  }
}

/** The first `chars` UTF-16 units of `text`, never splitting a surrogate pair. */
export function cutText(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const last = text.charCodeAt(chars - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? chars - 1 : chars;
  return text.slice(0, end);
}
