import type { CatalogField } from '../catalog/index.js';
import { stringifyJson } from './canonical-json.js';
import type { JsonValue, Row } from './types.js';

/**
 * Writes rows as JSON objects keyed by field name, with the key prefixes
 * (`{"id":`, `,"title":` …) computed once for the whole file.
 */
export class RecordWriter {
  private readonly order: readonly number[];
  private readonly prefixes: readonly string[];
  private readonly category: string;

  /**
   * @param category - The category's name, for error messages.
   * @param fields - The exported fields; row values follow their order.
   * @param canonical - Write keys sorted by UTF-16 code units (RFC 8785) instead
   *   of in catalog order. Values are always canonical JSON (nested keys sorted).
   */
  constructor(category: string, fields: readonly CatalogField[], canonical: boolean) {
    const order = fields.map((_, i) => i);
    if (canonical) {
      order.sort((a, b) => compareUtf16(fields[a]?.name ?? '', fields[b]?.name ?? ''));
    }
    this.category = category;
    this.order = order;
    this.prefixes = order.map(
      (fieldIndex, k) => (k === 0 ? '{' : ',') + JSON.stringify(fields[fieldIndex]?.name) + ':',
    );
  }

  /** The record of one row as a JSON object, without a line end. */
  write(row: Row): string {
    const count = this.order.length;
    if (row.length !== count) {
      throw new RangeError(`${this.category}: a row has ${row.length} values for ${count} fields`);
    }
    if (count === 0) return '{}';
    let text = '';
    for (let k = 0; k < count; k++) {
      text +=
        (this.prefixes[k] as string) + stringifyJson(row[this.order[k] as number] as JsonValue);
    }
    return text + '}';
  }
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
