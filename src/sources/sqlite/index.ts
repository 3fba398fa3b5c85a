export { SqliteSource } from './sqlite-source.js';
