import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Email notification of an export's end. The export keeps the address the
 * request gave (`notify_email`) and the base URL its links are built on;
 * `export_mails` is the outbox: one row per mail, written once the export
 * ended, claimed by a worker with a lease and retried with backoff until it
 * is `sent`, `failed` for good, or `skipped`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exports').addColumn('notify_email', 'text').execute();
  await db.schema.alterTable('exports').addColumn('notify_base_url', 'text').execute();
  await db.schema
    .createIndex('exports_notify')
    .on('exports')
    .column('status')
    .where(sql.ref('notify_email'), 'is not', null)
    .execute();
  await db.schema
    .createTable('export_mails')
    .addColumn('export_id', 'text', (c) => c.primaryKey().references('exports.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('export_mails_due')
    .on('export_mails')
    .columns(['status', 'next_attempt_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('export_mails').execute();
  await db.schema.dropIndex('exports_notify').execute();
  await db.schema.alterTable('exports').dropColumn('notify_base_url').execute();
  await db.schema.alterTable('exports').dropColumn('notify_email').execute();
}
