import type { Kysely } from 'kysely';

/**
 * Retention of ended notifications: housekeeping deletes webhook deliveries
 * and mails by age, and an event once no delivery of it is left, so each is
 * found by an index rather than a full scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('webhook_deliveries_created')
    .on('webhook_deliveries')
    .column('created_at')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_event')
    .on('webhook_deliveries')
    .column('event_id')
    .execute();
  await db.schema
    .createIndex('export_mails_created')
    .on('export_mails')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('export_mails_created').execute();
  await db.schema.dropIndex('webhook_deliveries_event').execute();
  await db.schema.dropIndex('webhook_deliveries_created').execute();
}
