export { ConfigError, loadSettings, type Limits, type Settings } from './settings.js';
