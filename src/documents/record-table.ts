import type { CatalogField } from '../catalog/index.js';
import { stringifyJson, type JsonValue, type Row } from '../formats/index.js';
import { countRecords, formatCount } from './document-wording.js';
import { escapeHtml, fileHref } from './html-text.js';
import { cutText } from './record-sampler.js';

/** Cell classes by field type: numbers right-aligned, numbers and times kept on one line. */
const CELL_CLASS: Partial<Record<CatalogField['type'], string>> = {
  integer: ' class="num"',
  bigint: ' class="num"',
  decimal: ' class="num"',
  timestamp: ' class="time"',
  date: ' class="time"',
  json: ' class="json"',
};

/** Text cells longer than this get a wider column. */
const LONG_TEXT = 80;

/** What a category's record table is drawn from. */
export interface RecordTableInput {
  readonly fields: readonly CatalogField[];
  readonly rows: readonly Row[];
  /** How many records the category has in all. */
  readonly total: number;
  /**
   * The data files holding every record (the parts of one, in order), linked
   * when not all are shown; empty when there is none.
   */
  readonly dataFiles: readonly string[];
  readonly maxCellChars: number;
}

/** A category's first records as an HTML table, with a caption saying how many are shown. */
export function renderRecordTable(input: RecordTableInput): string {
  const { fields, rows, total, dataFiles } = input;
  if (total === 0) return '<p class="note">This category has no records in this export.</p>';
  const where = dataFiles.length === 0 ? '' : `; all of them are in ${dataFileLinks(dataFiles)}`;
  const caption =
    rows.length >= total
      ? `All ${countRecords(total)}.`
      : rows.length === 0
        ? `${countRecords(total)}, not shown here${where}.`
        : `The first ${formatCount(rows.length)} of ${countRecords(total)}${where}.`;
  if (rows.length === 0) return `<p class="note">${caption}</p>`;
  const head = fields.map((f) => `<th scope="col">${escapeHtml(f.name)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${fields.map((f, i) => renderCell(row[i] ?? null, f, input)).join('')}</tr>`)
    .join('\n');
  return [
    '<div class="scroll">',
    `<table class="records"><caption>${caption}</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody></table>`,
    '</div>',
  ].join('\n');
}

function renderCell(value: JsonValue, field: CatalogField, input: RecordTableInput): string {
  if (value === null) return '<td><span class="null">null</span></td>';
  if (value === '') return '<td><span class="null">(empty text)</span></td>';
  const json = field.type === 'json';
  const text = json || typeof value !== 'string' ? displayValue(value, json) : value;
  const kind = CELL_CLASS[field.type] ?? (text.length > LONG_TEXT ? ' class="long"' : '');
  if (text.length <= input.maxCellChars) return `<td${kind}>${escapeHtml(text)}</td>`;
  // The records shown are the first ones: the first part holds them.
  const first = input.dataFiles[0];
  const rest = first === undefined ? '' : `; the complete value is in ${dataFileLinks([first])}`;
  return (
    `<td${kind}>${escapeHtml(cutText(text, input.maxCellChars))}` +
    `<span class="cut">… shortened here to the first ${formatCount(input.maxCellChars)} characters${rest}.</span></td>`
  );
}

function displayValue(value: JsonValue, json: boolean): string {
  if (json) return stringifyJson(value);
  return typeof value === 'object' ? stringifyJson(value) : String(value);
}

/** Links to `paths`: one, or "a, b and c". */
function dataFileLinks(paths: readonly string[]): string {
  const links = paths.map(
    (path) => `<a href="${escapeHtml(fileHref(path))}"><code>${escapeHtml(path)}</code></a>`,
  );
  return links.length <= 1
    ? (links[0] ?? '')
    : `${links.slice(0, -1).join(', ')} and ${links[links.length - 1]!}`;
}
