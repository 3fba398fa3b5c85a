export { ConfigError, loadSettings, type Limits, type Settings } from './settings.js';
export {
  isPostgresUrl,
  POSTGRES_CONNECTION,
  postgresPoolConfig,
  postgresTarget,
  sqlitePath,
  type PostgresTarget,
} from './database-url.js';
