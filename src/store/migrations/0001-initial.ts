import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { PostgresAdapter, sql } from '../kysely.js';

type Column = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

/**
 * Tenants, hashed API keys, exports (which are also the embedded job queue),
 * secrets. Portable: the same columns on SQLite and PostgreSQL. Times are
 * RFC 3339 UTC text, compared as text; on PostgreSQL the columns compared by
 * order use the byte-wise "C" collation, as SQLite does, so no locale can
 * reorder them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytewise: Column =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (c) => c.modifyEnd(sql`collate "C"`)
      : (c) => c;
  const ordered =
    (more: Column = (c) => c): Column =>
    (c) =>
      more(bytewise(c));
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('limits', 'text')
    .execute();
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('exports')
    .addColumn(
      'id',
      'text',
      ordered((c) => c.primaryKey()),
    )
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('formats', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('csv', 'text', (c) => c.notNull())
    .addColumn(
      'created_at',
      'text',
      ordered((c) => c.notNull()),
    )
    .addColumn('started_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('expires_at', 'text', ordered())
    .addColumn('categories_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('categories_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_written', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_written', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('file_name', 'text')
    .addColumn('file_bytes', 'bigint')
    .addColumn('file_sha256', 'text')
    .addColumn('storage_key', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('charged', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text', ordered())
    .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('exports_tenant_created')
    .on('exports')
    .columns(['tenant_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('exports_tenant_idempotency')
    .on('exports')
    .columns(['tenant_id', 'idempotency_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('exports_status')
    .on('exports')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['secrets', 'exports', 'api_keys', 'tenants']) {
    await db.schema.dropTable(table).execute();
  }
}
