import type mysql from 'mysql2/promise';
import { assembleTables, type KeyColumnRow } from '../schema-description.js';
import type { SchemaDescription } from '../types.js';

/**
 * Every table of the connection's database, from `information_schema`: each
 * column's `COLUMN_TYPE` (`decimal(14,2)`, `tinyint(1)`, `binary(16)`), the
 * primary key and the foreign keys.
 */
export async function describeMysqlSchema(pool: mysql.Pool): Promise<SchemaDescription> {
  const [columns] = await pool.query(
    `SELECT c.TABLE_NAME AS "table", c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type,
            c.IS_NULLABLE = 'YES' AS nullable
     FROM information_schema.COLUMNS c
     JOIN information_schema.TABLES t
       ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
     WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
     ORDER BY CAST(c.TABLE_NAME AS BINARY), c.ORDINAL_POSITION`,
  );
  const [keys] = await pool.query(
    `SELECT k.TABLE_NAME AS "table", k.CONSTRAINT_NAME AS "constraint",
            IF(k.CONSTRAINT_NAME = 'PRIMARY', 'p', 'f') AS kind, k.COLUMN_NAME AS "column",
            k.REFERENCED_TABLE_NAME AS ftable, k.REFERENCED_COLUMN_NAME AS fcolumn
     FROM information_schema.KEY_COLUMN_USAGE k
     WHERE k.TABLE_SCHEMA = DATABASE()
       AND (k.CONSTRAINT_NAME = 'PRIMARY' OR k.REFERENCED_TABLE_NAME IS NOT NULL)
     ORDER BY CAST(k.TABLE_NAME AS BINARY), k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
  );
  const rows = (columns as { table: string; name: string; type: unknown; nullable: unknown }[]).map(
    (c) => ({
      table: c.table,
      name: c.name,
      type: String(c.type),
      nullable: Number(c.nullable) === 1,
    }),
  );
  return { dialect: 'mysql', tables: assembleTables(rows, keys as KeyColumnRow[]) };
}
