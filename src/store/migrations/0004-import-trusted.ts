import type { Kysely } from 'kysely';

/**
 * Whether an import's bundle was trusted (its origin proven), so that the
 * import object can say so. Earlier imports were not: the column defaults to 0.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('imports')
    .addColumn('trusted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('trusted').execute();
}
