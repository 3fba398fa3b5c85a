export { PostgresSource, type PostgresSourceOptions } from './postgres-source.js';
export { SOURCE_TYPES } from './postgres-types.js';
