import type { Kysely } from 'kysely';
import { sql, SqliteAdapter } from '../kysely.js';

/**
 * Webhooks: each tenant's endpoints, the outbox of events, one delivery per
 * event and endpoint, and every attempt to send it.
 *
 * Events are written by triggers on `exports` and `imports`, in the very
 * statement that makes one terminal (`completed`, `failed`, `expired`), so an
 * event exists exactly when its state change does, whichever code path or
 * process made it, even if that process dies right after.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('failing_since', 'text')
    .addColumn('disabled_at', 'text')
    .addColumn('disabled_reason', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_tenant')
    .on('webhook_endpoints')
    .columns(['tenant_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('fanned_out', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('webhook_events_pending')
    .on('webhook_events')
    .columns(['fanned_out', 'created_at'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addUniqueConstraint('webhook_deliveries_once', ['event_id', 'endpoint_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer')
    .addColumn('response_status', 'integer')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery')
    .on('webhook_attempts')
    .columns(['delivery_id', 'number'])
    .execute();

  if (sqlite) await sqliteTriggers(db);
  else await postgresTriggers(db);
}

const EXPORT_END = `('completed', 'failed', 'expired')`;
const IMPORT_END = `('completed', 'failed')`;

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  for (const [table, kind, ends] of [
    ['exports', 'export', EXPORT_END],
    ['imports', 'import', IMPORT_END],
  ] as const) {
    await sql
      .raw(
        `create trigger ${table}_webhook_event after update of status on ${table}
         when new.status in ${ends} and old.status is not new.status
         begin
           insert into webhook_events (id, tenant_id, type, object_id, created_at)
           values ('evt_' || lower(hex(randomblob(15))), new.tenant_id,
                   '${kind}.' || new.status, new.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
         end`,
      )
      .execute(db);
  }
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  for (const [table, kind, ends] of [
    ['exports', 'export', EXPORT_END],
    ['imports', 'import', IMPORT_END],
  ] as const) {
    await sql
      .raw(
        `create function portage_${table}_webhook_event() returns trigger language plpgsql as $$
         begin
           insert into webhook_events (id, tenant_id, type, object_id, created_at)
           values ('evt_' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 30), new.tenant_id,
                   '${kind}.' || new.status, new.id,
                   to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
           return null;
         end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_webhook_event after update of status on ${table}
         for each row when (new.status in ${ends} and old.status is distinct from new.status)
         execute function portage_${table}_webhook_event()`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  for (const table of ['exports', 'imports']) {
    await sql
      .raw(`drop trigger if exists ${table}_webhook_event${sqlite ? '' : ` on ${table}`}`)
      .execute(db);
    if (!sqlite)
      await sql.raw(`drop function if exists portage_${table}_webhook_event()`).execute(db);
  }
  for (const table of [
    'webhook_attempts',
    'webhook_deliveries',
    'webhook_events',
    'webhook_endpoints',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
