import type { CatalogField, FieldType } from '../catalog/index.js';
import type { ByteWriter } from './byte-writer.js';
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

/** Writes one value of a field as the UTF-8 bytes of its {@link ValueWriter}'s text. */
type ValueBytesWriter = (value: JsonValue, out: ByteWriter) => void;

const quotedFixedFormBytes: ValueBytesWriter = (value, out) => {
  if (typeof value !== 'string') return out.text(stringifyJson(value));
  out.byte(0x22);
  out.text(value);
  out.byte(0x22);
};
const jsonTextBytes: ValueBytesWriter = (value, out) =>
  typeof value === 'string' ? out.jsonString(value) : out.text(stringifyJson(value));
const canonicalBytes: ValueBytesWriter = (value, out) => out.text(stringifyJson(value));

/** The writer of a field's values; anything the value model would not give it is written generally. */
function writerOf(type: FieldType): ValueWriter {
  if (type === 'string') return jsonText;
  return hasFixedForm(type) ? quotedFixedForm : stringifyJson;
}

/** The byte writer of a field's values, writing what {@link writerOf}'s writer does. */
function bytesWriterOf(type: FieldType): ValueBytesWriter {
  if (type === 'string') return jsonTextBytes;
  return hasFixedForm(type) ? quotedFixedFormBytes : canonicalBytes;
}

const NULL_BYTES = Buffer.from('null');

/**
 * Writes rows as JSON objects keyed by field name, with the key prefixes
 * (`{"id":`, `,"title":` …) computed once for the whole file.
 */
export class RecordWriter {
  private readonly order: readonly number[];
  private readonly prefixes: readonly string[];
  /** Per key, in written order: the writer of its field's values. */
  private readonly writers: readonly ValueWriter[];
  /** The prefixes and writers again, for {@link writeInto}. */
  private readonly prefixBytes: readonly Buffer[];
  private readonly bytesWriters: readonly ValueBytesWriter[];
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
    this.bytesWriters = order.map((fieldIndex) =>
      bytesWriterOf(fields[fieldIndex]?.type ?? 'json'),
    );
    this.prefixBytes = this.prefixes.map((prefix) => Buffer.from(prefix));
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

  /** Appends the UTF-8 bytes of {@link write}'s record to `out`. */
  writeInto(row: Row, out: ByteWriter): void {
    const count = this.order.length;
    if (row.length !== count) {
      throw new RangeError(`${this.category}: a row has ${row.length} values for ${count} fields`);
    }
    if (count === 0) {
      out.byte(0x7b);
      out.byte(0x7d);
      return;
    }
    for (let k = 0; k < count; k++) {
      const value = row[this.order[k] as number] as JsonValue;
      out.bytes(this.prefixBytes[k] as Buffer);
      if (value === null) out.bytes(NULL_BYTES);
      else this.bytesWriters[k]!(value, out);
    }
    out.byte(0x7d);
  }
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
