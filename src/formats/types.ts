import type { CatalogField, IncludedCategory } from '../catalog/index.js';
import type { JsonNumber } from './json-number.js';

/**
 * A JSON value as Portage writes it: objects keep the key order they are
 * given. A number is a JavaScript `number` when that number writes its exact
 * value, otherwise a {@link JsonNumber} holding its canonical text.
 */
export type JsonValue =
  string | number | JsonNumber | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One exported record: values aligned with the category's exported fields. */
export type Row = readonly JsonValue[];

/** The data-file formats (SPEC §2). `pdf` is a document, not a data file. */
export type DataFormat = 'json' | 'jsonl' | 'csv' | 'bundle';

/** CSV options a request may set; echoed in the manifest's `export.csv`. */
export interface CsvOptions {
  /** Start the file with a UTF-8 byte-order mark, for spreadsheet programs. (Default: false) */
  readonly bom: boolean;
  /**
   * Prefix a `'` to cells starting with `=`, `+`, `-`, `@`, tab or CR so that
   * spreadsheets do not run them as formulas. (Default: true for `closure`
   * exports, false otherwise)
   */
  readonly formulaProtection: boolean;
}

/** Everything an encoder needs to know about the file it writes. */
export interface EncoderContext {
  readonly category: IncludedCategory;
  /** Exported fields, in order; `Row` values follow this order. */
  readonly fields: readonly CatalogField[];
  readonly tenant: string;
  readonly catalogVersion: string;
  readonly csv: CsvOptions;
  /** Sort object keys (RFC 8785 canonical form), as audit exports require. */
  readonly canonical: boolean;
}

/**
 * Turns a stream of rows into the bytes of one data file. Encoders are pure:
 * the same rows always give the same text, and no export time or id is written.
 */
export interface FormatEncoder {
  readonly format: DataFormat;
  /** File extension, without the dot. */
  readonly extension: string;
  readonly mediaType: string;
  /** Text before the first row. */
  begin(): string;
  /** Text of one row; `index` is 0 for the first row. */
  row(row: Row, index: number): string;
  /**
   * What a row's text starts with after the first row and not on the first:
   * `row(r, i)` for `i > 0` is this followed by `row(r, 0)`. (Default: empty)
   */
  readonly separator?: string;
  /** Text after the last row. */
  end(rowCount: number): string;
}
