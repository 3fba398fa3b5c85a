import { seedDemoPlatform, type DemoSeedOptions, type DemoSeedSummary } from './generator.js';
import { PostgresSink } from './postgres-sink.js';

/** Options of {@link generateDemoPlatformInPostgres}. */
export interface GeneratePostgresDemoOptions extends DemoSeedOptions {
  /**
   * `postgres://` URL of the database to write into. The demo tables land in
   * its current schema (the first of its `search_path` that exists, normally
   * `public`), replacing demo tables already there; other tables are left alone.
   */
  readonly database: string;
}

/** What {@link generateDemoPlatformInPostgres} wrote. */
export interface PostgresDemoSummary extends DemoSeedSummary {
  /** The database URL, its password masked. */
  readonly database: string;
}

/**
 * Writes the demo platform "Acme Tasks" into PostgreSQL: the same tables,
 * columns and values as {@link generateDemoPlatform} writes into SQLite, in
 * PostgreSQL types (`bigint` ids, `timestamptz` holding the same instants as
 * the SQLite text, `date`, `numeric`, `boolean`, `jsonb`), and the same
 * attachment files under `filesDir`. Rows are loaded with `COPY`; keys and
 * indexes are built afterwards.
 */
export async function generateDemoPlatformInPostgres(
  options: GeneratePostgresDemoOptions,
): Promise<PostgresDemoSummary> {
  const summary = await seedDemoPlatform(new PostgresSink(options.database), options);
  const database = maskPassword(options.database);
  options.onProgress?.(`wrote ${database}`);
  return { database, ...summary };
}

/** The URL with its password, if any, replaced by `***`. */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
