import type pg from 'pg';
import type { SchemaDescription } from '../types.js';
import { assembleTables, type KeyColumnRow } from '../schema-description.js';

const IN_SCHEMA = `n.nspname = ANY (current_schemas(false))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')`;

/**
 * Every table of the PostgreSQL schemas on the search path, with each column's
 * declared type as `format_type` prints it (`numeric(14,2)`, `timestamp(3) with
 * time zone`), its primary key and its foreign keys, from `pg_catalog`.
 */
export async function describePostgresSchema(pool: pg.Pool): Promise<SchemaDescription> {
  const columns = await pool.query<{
    table: string;
    name: string;
    type: string;
    nullable: boolean;
  }>(
    `SELECT c.relname AS "table", a.attname AS name,
            format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p') AND ${IN_SCHEMA}
     ORDER BY c.relname COLLATE "C", a.attnum`,
  );
  const keys = await pool.query<KeyColumnRow>(
    `SELECT c.relname AS "table", con.conname AS "constraint", con.contype AS kind,
            a.attname AS "column", f.relname AS ftable, fa.attname AS fcolumn
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
     LEFT JOIN pg_class f ON f.oid = con.confrelid
     LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.ord]
     WHERE con.contype IN ('p', 'f') AND ${IN_SCHEMA}
     ORDER BY c.relname COLLATE "C", con.conname, k.ord`,
  );
  return { dialect: 'postgres', tables: assembleTables(columns.rows, keys.rows) };
}
