export {
  ConfigError,
  loadSettings,
  type HttpLimits,
  type ImportQuota,
  type Limits,
  type Settings,
} from './settings.js';
export { isPostgresUrl, POSTGRES_CONNECTION, sqlitePath } from './database-url.js';
