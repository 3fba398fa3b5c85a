export { MysqlSource, type MysqlSourceOptions } from './mysql-source.js';
export { openMysqlPool } from './mysql-pool.js';
export { withTenantParameters } from './mysql-snapshot.js';
export { mysqlTypeCast } from './mysql-types.js';
