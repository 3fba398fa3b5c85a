export { MysqlSource, type MysqlSourceOptions } from './mysql-source.js';
