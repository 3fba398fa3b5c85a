import type { Kysely } from 'kysely';

const COLUMNS = ['prefix', 'label', 'expires_at', 'revoked_at', 'last_used_at'] as const;

/**
 * The lifecycle of an API key: a prefix to recognise it by (the key itself is
 * never stored), an optional label (`demo` marks the keys `portage serve`
 * prints in demo mode), when it expires, when it was revoked, and when it was
 * last used. Keys created earlier have no prefix, never expire and stay valid.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite adds no more at a time.
  for (const column of COLUMNS) {
    await db.schema.alterTable('api_keys').addColumn(column, 'text').execute();
  }
  await db.schema
    .createIndex('api_keys_tenant_created')
    .on('api_keys')
    .columns(['tenant_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_tenant_created').execute();
  for (const column of [...COLUMNS].reverse()) {
    await db.schema.alterTable('api_keys').dropColumn(column).execute();
  }
}
