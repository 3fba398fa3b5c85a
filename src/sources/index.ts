import { ConfigError, isMysqlUrl, isPostgresUrl, sqlitePath } from '../config/index.js';
import { withoutCredentials } from '../errors/index.js';
import { MysqlSource } from './mysql/index.js';
import { resolve } from 'node:path';
import { PostgresSource } from './postgres/index.js';
import { SqliteSource } from './sqlite/index.js';
import type { SourceDatabase } from './types.js';

export type * from './types.js';
export { SnapshotGoneError } from './snapshot-gone.js';
export {
  MysqlSource,
  mysqlTypeCast,
  openMysqlPool,
  withTenantParameters,
  type MysqlSourceOptions,
} from './mysql/index.js';
export { PostgresSource, SOURCE_TYPES, type PostgresSourceOptions } from './postgres/index.js';
export { SqliteSource } from './sqlite/index.js';
export { quoteIdent, tenantScope } from './sql-text.js';
export { readTenantAccount, tenantExists, type TenantAccount } from './tenant-account.js';

/**
 * Opens the platform's database named by `PORTAGE_SOURCE_URL`: a PostgreSQL
 * database for a `postgres://` or `postgresql://` URL, a MySQL or MariaDB one
 * for `mysql://` or `mariadb://`, otherwise a SQLite file
 * (a path, or a `sqlite:` URL).
 * @throws ConfigError for a URL of any other scheme, its credentials not repeated.
 */
export function openSource(url: string): SourceDatabase {
  if (isPostgresUrl(url)) return new PostgresSource(url);
  if (isMysqlUrl(url)) return new MysqlSource(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^(sqlite|file):/i.test(url))
    throw new ConfigError(
      `PORTAGE_SOURCE_URL: "${withoutCredentials(url)}" is neither a SQLite file nor a postgres:// or mysql:// URL`,
    );
  return new SqliteSource(resolve(sqlitePath(url)));
}
