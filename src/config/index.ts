export { ConfigError, loadSettings, type Limits, type Settings } from './settings.js';
export { isMysqlUrl, isPostgresUrl, POSTGRES_CONNECTION, sqlitePath } from './database-url.js';
