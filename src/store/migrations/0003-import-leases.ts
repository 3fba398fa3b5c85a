import type { Kysely } from 'kysely';

/**
 * Imports run by whichever process claims them, as exports are: the upload
 * lives in the object store (`upload_key`; `upload_path`, a local file, is
 * what earlier versions wrote and read), and a lease says which process runs
 * an import and until when. Columns are only added.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('upload_key', 'text').execute();
  await db.schema.alterTable('imports').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('imports').addColumn('lease_expires_at', 'text').execute();
  await db.schema
    .alterTable('imports')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('attempts').execute();
  await db.schema.alterTable('imports').dropColumn('lease_expires_at').execute();
  await db.schema.alterTable('imports').dropColumn('lease_owner').execute();
  await db.schema.alterTable('imports').dropColumn('upload_key').execute();
}
