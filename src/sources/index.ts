import { resolve } from 'node:path';
import { SqliteSource } from './sqlite-source.js';
import type { SourceDatabase } from './types.js';

export type * from './types.js';
export { SqliteSource } from './sqlite-source.js';
export { quoteIdent } from './sql-text.js';

/** Opens the platform's database named by `PORTAGE_SOURCE_URL` (a SQLite path for now). */
export function openSource(url: string): SourceDatabase {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      'PORTAGE_SOURCE_URL: a PostgreSQL source is not available in this version; use a SQLite file path',
    );
  }
  return new SqliteSource(resolve(url.replace(/^sqlite:(\/\/)?/, '')));
}
