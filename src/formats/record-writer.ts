import type { CatalogField, FieldType } from '../catalog/index.js';
import { stringifyJson } from './canonical-json.js';
import type { JsonValue, Row } from './types.js';
import { hasFixedForm } from './value-model.js';

/** Writes one value of a field as JSON text. */
type ValueWriter = (value: JsonValue) => string;

/** A fixed-form value (see {@link hasFixedForm}) needs quotes in JSON when it is text, never escapes. */
const quotedFixedForm: ValueWriter = (value) =>
  typeof value === 'string' ? '"' + value + '"' : stringifyJson(value);
const jsonText: ValueWriter = (value) =>
  typeof value === 'string' ? JSON.stringify(value) : stringifyJson(value);

/** The writer of a field's values; anything the value model would not give it is written generally. */
function writerOf(type: FieldType): ValueWriter {
  if (type === 'string') return jsonText;
  return hasFixedForm(type) ? quotedFixedForm : stringifyJson;
}

/**
 * Writes rows as JSON objects keyed by field name, with the key prefixes
 * (`{"id":`, `,"title":` …) computed once for the whole file.
 */
export class RecordWriter {
  private readonly order: readonly number[];
  private readonly prefixes: readonly string[];
  /** Per key, in written order: the writer of its field's values. */
  private readonly writers: readonly ValueWriter[];
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
    this.writers = order.map((fieldIndex) => writerOf(fields[fieldIndex]?.type ?? 'json'));
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
      const value = row[this.order[k] as number] as JsonValue;
      text += (this.prefixes[k] as string) + (value === null ? 'null' : this.writers[k]!(value));
    }
    return text + '}';
  }
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
