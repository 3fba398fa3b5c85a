import { seedDemoPlatform, type DemoSeedOptions, type DemoSeedSummary } from './generator.js';
import { PostgresSink } from './postgres-sink.js';
import { DEFAULT_DEMO_PLATFORM } from './registry.js';

/** Options of {@link generateDemoPlatformInPostgres}. */
export interface GeneratePostgresDemoOptions extends DemoSeedOptions {
  /**
   * `postgres://` URL of the database to write into. The platform's tables
   * land in the schema its `?schema=` names (created if missing), or else its
   * current schema (the first of its `search_path` that exists, normally
   * `public`), replacing the platform's tables already there; other tables are
   * left alone. Give each platform its own schema or database.
   */
  readonly database: string;
}

/** What {@link generateDemoPlatformInPostgres} wrote. */
export interface PostgresDemoSummary extends DemoSeedSummary {
  /** The database URL, its password masked. */
  readonly database: string;
}

/**
 * Writes a demo platform (by default "Acme Tasks") into PostgreSQL: the same
 * tables, columns and values as {@link generateDemoPlatform} writes into
 * SQLite, in the PostgreSQL types that keep them exact (`bigint` and `uuid`
 * keys, `timestamptz` holding the same instants as the SQLite text, `date`,
 * `numeric`, `boolean`, `jsonb`, `bytea`, enums), and the same files under
 * `filesDir`. Rows are loaded with `COPY`; keys and indexes are built afterwards.
 */
export async function generateDemoPlatformInPostgres(
  options: GeneratePostgresDemoOptions,
): Promise<PostgresDemoSummary> {
  const platform = options.platform ?? DEFAULT_DEMO_PLATFORM;
  const tenants = platform.tenants.map((t) => t.id);
  const sink = new PostgresSink(options.database, platform.schema, tenants);
  const summary = await seedDemoPlatform(sink, options);
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
