export {
  ConfigError,
  loadSettings,
  type HttpLimits,
  type ImportQuota,
  type Limits,
  type LogFormat,
  type PlatformTokenSettings,
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
  takeConnectionErrors,
  type PostgresTarget,
} from './database-url.js';
export type { MailSettings } from './mail-settings.js';
