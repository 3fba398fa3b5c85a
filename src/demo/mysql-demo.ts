import { seedDemoPlatform, type DemoSeedOptions, type DemoSeedSummary } from './generator.js';
import { MysqlSink } from './mysql-sink.js';
import { maskPassword } from './postgres-demo.js';
import { DEFAULT_DEMO_PLATFORM } from './registry.js';

/** Options of {@link generateDemoPlatformInMysql}. */
export interface GenerateMysqlDemoOptions extends DemoSeedOptions {
  /**
   * `mysql://` (or `mariadb://`) URL of the database to write into; the
   * platform's tables there are replaced, other tables left alone. Give each
   * platform its own database.
   */
  readonly database: string;
}

/** What {@link generateDemoPlatformInMysql} wrote. */
export interface MysqlDemoSummary extends DemoSeedSummary {
  /** The database URL, its password masked. */
  readonly database: string;
}

/**
 * Writes a demo platform (by default "Acme Tasks") into MySQL or MariaDB: the
 * same tables, columns and values as SQLite and PostgreSQL get, in the MySQL
 * types that keep them exact (see `mysqlColumnType`), and the same files under
 * `filesDir`.
 */
export async function generateDemoPlatformInMysql(
  options: GenerateMysqlDemoOptions,
): Promise<MysqlDemoSummary> {
  const platform = options.platform ?? DEFAULT_DEMO_PLATFORM;
  const sink = new MysqlSink(
    options.database,
    platform.schema,
    platform.tenants.map((t) => t.id),
  );
  const summary = await seedDemoPlatform(sink, options);
  const database = maskPassword(options.database);
  options.onProgress?.(`wrote ${database}`);
  return { database, ...summary };
}
