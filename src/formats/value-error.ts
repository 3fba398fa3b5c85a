const PREVIEW_LENGTH = 60;

/**
 * A source value that the catalog's field type cannot represent exactly, or a
 * null in a field not declared nullable. It fails the export: a value written
 * wrongly is worse than no export.
 */
export class ValueError extends Error {
  override readonly name = 'ValueError';

  /**
   * @param where - The field at fault, as `<category>.<field>`.
   * @param value - The offending raw value; the message shows a truncated preview.
   * @param problem - What is wrong with it, e.g. `is beyond ±(2^53−1)`.
   */
  constructor(
    readonly where: string,
    value: unknown,
    readonly problem: string,
  ) {
    const preview = previewValue(value);
    super(`${where}: value ${preview} ${problem}`);
    this.preview = preview;
  }

  /** The offending value as the message shows it. */
  readonly preview: string;
}

/**
 * Renders a raw value for an error message: strings quoted and cut to
 * 60 UTF-16 code units, binary data as its length, other values as text.
 */
export function previewValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(truncate(value));
    case 'bigint':
      return `${value}n`;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Date(Invalid)' : `Date(${value.toISOString()})`;
  }
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return text === undefined ? Object.prototype.toString.call(value) : truncate(text);
}

function truncate(text: string): string {
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
}
