import type { Transaction } from 'kysely';
import { sql } from './kysely.js';
import type { StateDialect } from './state-db.js';
import type { StateDatabase } from './schema.js';

/**
 * The first key of Portage's advisory locks. PostgreSQL keeps two-key locks
 * apart from the one-key locks other software (pg-boss, Kysely's migrator)
 * takes, and this constant keeps them apart from other two-key users.
 */
export const PORTAGE_LOCK_CLASS = 0x706f7274; // "port"

/**
 * Serializes, until `trx` ends, every transaction that decides something from
 * a count of one tenant's exports (quota at creation, `maxRunning` at claim),
 * so that several processes count exactly. On PostgreSQL it takes a
 * transaction-scoped advisory lock keyed by the tenant; SQLite needs nothing,
 * since its one connection runs one transaction at a time.
 */
export async function lockTenant(
  trx: Transaction<StateDatabase>,
  dialect: StateDialect,
  tenantId: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${PORTAGE_LOCK_CLASS}, hashtext(${tenantId}))`.execute(
    trx,
  );
}
