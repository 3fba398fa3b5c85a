export { eventLogger, logDestination, resolveLogFormat } from './logger.js';
