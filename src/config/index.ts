export { ConfigError, loadSettings, type Limits, type Settings } from './settings.js';
export { isPostgresUrl, sqlitePath } from './database-url.js';
