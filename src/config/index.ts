export {
  ConfigError,
  loadSettings,
  type HttpLimits,
  type ImportQuota,
  type Limits,
  type PortalLifetimes,
  type Settings,
} from './settings.js';
export {
  isMysqlUrl,
  isPostgresUrl,
  POSTGRES_CONNECTION,
  postgresPoolConfig,
  postgresTarget,
  sqlitePath,
  type PostgresTarget,
} from './database-url.js';
