import type { IncludedCategory } from '../catalog/index.js';
import { PortageError, toError } from '../errors/index.js';
import {
  previewValue,
  stringifyJson,
  ValueError,
  type JsonValue,
  type Row,
} from '../formats/index.js';

/** A read of the source that failed: a query error or a lost connection. */
export function readFailure(
  category: IncludedCategory,
  last: readonly unknown[] | null,
  thrown: unknown,
): PortageError {
  const error = toError(thrown);
  if (error instanceof PortageError) return error;
  const where = last === null ? '' : ` after row ${rowKey(category, last)}`;
  return new PortageError(
    'source_read_failed',
    `Reading category "${category.name}"${where} failed: ${error.message}`,
    { cause: error },
  );
}

/** A row whose value the value model or the encoder refused, named by category, field and key. */
export function rowFailure(
  category: IncludedCategory,
  format: string,
  raw: readonly unknown[],
  row: Row | null,
  thrown: unknown,
): PortageError {
  const error = toError(thrown);
  if (error instanceof PortageError) return error;
  const key = rowKey(category, raw);
  if (error instanceof ValueError) {
    const field = error.where.slice(category.name.length + 1);
    return new PortageError(
      'value_out_of_range',
      `Category "${category.name}", field "${field}", row ${key}: value ${error.preview} ${error.problem}`,
      { cause: error },
    );
  }
  const field = category.fields.find((_, i) => !writable(row?.[i] ?? null))?.name;
  return new PortageError(
    'value_out_of_range',
    `Category "${category.name}"${field === undefined ? '' : `, field "${field}"`}, row ${key}: ` +
      `the ${format} writer refused the row: ${error.message}`,
    { cause: error },
  );
}

/** Whether the canonical JSON writer takes the value (a converted one always should). */
function writable(value: JsonValue): boolean {
  try {
    stringifyJson(value);
    return true;
  } catch {
    return false;
  }
}

/** The primary key of a raw row, as `id=42` or `tenant_id="acme", number=7`. */
function rowKey(category: IncludedCategory, raw: readonly unknown[]): string {
  return category.primaryKey
    .map((name) => {
      const i = category.fields.findIndex((f) => f.name === name);
      const value = i === -1 ? undefined : raw[i];
      return `${name}=${typeof value === 'bigint' ? String(value) : previewValue(value)}`;
    })
    .join(', ');
}
