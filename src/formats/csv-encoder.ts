import type { CatalogField } from '../catalog/index.js';
import { stringifyJson } from './canonical-json.js';
import { hasFixedForm } from './value-model.js';
import type { EncoderContext, FormatEncoder, JsonValue, Row } from './types.js';

/** Media type of `csv` data files (RFC 4180 §3 and RFC 7111 parameters). */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;
/** Distinct `json` cells an encoder remembers before it starts afresh. */
const JSON_CELLS_REMEMBERED = 1024;

/**
 * Writes RFC 4180 CSV: a header row of field names, then one line per row.
 *
 * - Separator `,`; every line, the last included, ends with CRLF; UTF-8.
 * - A cell is quoted (`"…"`, inner `"` doubled) when it holds `,`, `"`, CR
 *   or LF. The empty string is written as `""` and null as an empty field,
 *   so the two stay distinct.
 * - Numbers as in JSON, booleans as `true`/`false`, `bigint`/`decimal` as
 *   their exact digits, timestamps and dates as in JSON.
 * - A `json` field's cell is its canonical JSON text (RFC 8785: keys sorted),
 *   so a JSON string is written with its quotes: `"a"` becomes `"""a"""`.
 * - With `ctx.csv.bom` (default: false), the file starts with a UTF-8
 *   byte-order mark (U+FEFF), which some spreadsheet programs need to read UTF-8.
 * - With `ctx.csv.formulaProtection` (on by default for `closure` exports
 *   only), a cell of a `string`
 *   or `json` field whose text starts with `=`, `+`, `-`, `@`, tab (U+0009) or
 *   CR (U+000D) gets a single quote `'` prepended, so spreadsheet programs show
 *   it as text instead of running it as a formula; quoting then applies to
 *   the prefixed text. Cells of numeric, boolean, timestamp and date fields are
 *   never prefixed: their text is fixed by the value model and cannot hold a
 *   formula, and a negative number stays a number. The prefix is not removed
 *   on import: a reader must strip it knowing that the option was used.
 */
export class CsvEncoder implements FormatEncoder {
  readonly format = 'csv';
  readonly extension = 'csv';
  readonly mediaType = CSV_MEDIA_TYPE;
  private readonly category: string;
  private readonly fields: readonly CatalogField[];
  private readonly bom: boolean;
  /** Per field: whether the cell is written as JSON text. */
  private readonly jsonText: readonly boolean[];
  /** Per field: whether formula protection applies to its cells. */
  private readonly protect: readonly boolean[];
  /**
   * Per field: whether its cells have a fixed form (numbers, booleans, exact
   * decimals, timestamps, dates) that the value model never writes with a
   * character needing quotes, so the quoting check is skipped.
   */
  private readonly fixedForm: readonly boolean[];
  /** Quoted cells of `json` objects and arrays, by their canonical text. */
  private readonly jsonCells = new Map<string, string>();

  constructor(ctx: EncoderContext) {
    this.category = ctx.category.name;
    this.fields = ctx.fields;
    this.bom = ctx.csv.bom;
    this.jsonText = ctx.fields.map((field) => field.type === 'json');
    this.fixedForm = ctx.fields.map((field) => hasFixedForm(field.type));
    this.protect = ctx.fields.map(
      (field) => ctx.csv.formulaProtection && (field.type === 'string' || field.type === 'json'),
    );
  }

  begin(): string {
    const header = this.fields.map((field) => quoteCell(field.name)).join(',') + '\r\n';
    return this.bom ? '\uFEFF' + header : header;
  }

  row(row: Row): string {
    const count = this.fields.length;
    if (row.length !== count) {
      throw new RangeError(`${this.category}: a row has ${row.length} values for ${count} fields`);
    }
    let line = '';
    for (let i = 0; i < count; i++) {
      if (i > 0) line += ',';
      const value = row[i] as JsonValue;
      if (value === null) continue;
      if (this.jsonText[i]) {
        line += this.jsonCell(i, value);
        continue;
      }
      let cell = typeof value === 'string' ? value : stringifyJson(value);
      if (this.fixedForm[i] && cell !== '') {
        line += cell;
        continue;
      }
      if (this.protect[i] && startsLikeFormula(cell)) cell = "'" + cell;
      line += quoteCell(cell);
    }
    return line + '\r\n';
  }

  end(): string {
    return '';
  }

  /**
   * The cell of a `json` field. The cells of objects and arrays are
   * remembered by their text: such fields repeat a few values across rows,
   * and their text, full of quotes, is the costliest to quote.
   */
  private jsonCell(i: number, value: JsonValue): string {
    const text = stringifyJson(value);
    const remember = typeof value === 'object' && value !== null;
    if (remember) {
      const known = this.jsonCells.get(text);
      if (known !== undefined) return known;
    }
    const cell = quoteCell(this.protect[i] && startsLikeFormula(text) ? "'" + text : text);
    if (remember) {
      if (this.jsonCells.size >= JSON_CELLS_REMEMBERED) this.jsonCells.clear();
      this.jsonCells.set(text, cell);
    }
    return cell;
  }
}

/** The cell as RFC 4180 writes it; the empty string becomes `""`. */
function quoteCell(cell: string): string {
  if (cell === '') return '""';
  return NEEDS_QUOTES.test(cell) ? '"' + cell.replace(QUOTE, '""') + '"' : cell;
}

function startsLikeFormula(cell: string): boolean {
  switch (cell.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
      return true;
    default:
      return false;
  }
}
