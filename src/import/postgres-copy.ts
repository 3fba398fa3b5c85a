import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import type * as CopyStreams from 'pg-copy-streams';
import type { ImportColumn, ImportRow } from './platform-writer.js';
import { toPostgresValue, type PostgresValue } from './postgres-values.js';

/**
 * One value as a field of PostgreSQL's `COPY … FROM STDIN` text format: `\N`
 * for NULL; otherwise the text the `pg` driver would send as a parameter
 * (`bytea` as `\x` and hex digits), with backslash, newline, carriage return
 * and tab escaped. The column's input function reads it as it reads a
 * parameter cast to the column's type.
 */
export function copyField(value: PostgresValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'string') return escapeCopy(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return `\\\\x${value.toString('hex')}`;
}

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeCopy(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text;
}

/** `rows` (aligned with `columns`) as the lines of a `COPY … FROM STDIN` in text format. */
export function copyText(columns: readonly ImportColumn[], rows: readonly ImportRow[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) {
      if (i > 0) line += '\t';
      line += copyField(toPostgresValue(columns[i]!, row[i]!));
    }
    lines.push(line);
  }
  // One flat string from join, rather than a rope that the conversion to bytes would flatten.
  return `${lines.join('\n')}\n`;
}

let copyFrom: typeof CopyStreams.from | undefined;

/**
 * Runs `sql` (a `COPY … FROM STDIN`) on `client` with `text` as its input.
 * Rejects with the server's error when it refuses a row.
 */
export async function copyIn(client: pg.ClientBase, sql: string, text: string): Promise<void> {
  copyFrom ??= (createRequire(import.meta.url)('pg-copy-streams') as typeof CopyStreams).from;
  const stream = client.query(copyFrom(sql));
  stream.end(text);
  await finished(stream);
}
