import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { isoTime, newId } from './ids.js';
import type { StateDatabase } from './schema.js';
import type { WebhookEndpointTable } from './webhook-tables.js';

/** Every event a webhook endpoint can receive; exactly these names. */
export const WEBHOOK_EVENT_TYPES = [
  'export.completed',
  'export.failed',
  'export.expired',
  'import.completed',
  'import.failed',
] as const;

/** One of {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A tenant's webhook endpoint, without its secret. */
export interface WebhookEndpointRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly description: string | null;
  readonly events: readonly WebhookEventType[];
  readonly status: 'enabled' | 'disabled';
  readonly createdAt: string;
  /** When the current run of failed attempts began; null while the endpoint answers. */
  readonly failingSince: string | null;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
}

/** What {@link WebhookEndpoints.create} records. */
export interface NewWebhookEndpoint {
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string | null;
}

function toRecord(row: Selectable<WebhookEndpointTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as WebhookEventType[],
    status: row.status === 'disabled' ? 'disabled' : 'enabled',
    createdAt: row.created_at,
    failingSince: row.failing_since,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
  };
}

/**
 * What {@link WebhookEndpoints.update} changes; a field left out keeps its
 * value. `status: 'enabled'` re-enables a disabled endpoint and forgets its
 * run of failures; `'disabled'` stops its deliveries, as the 5-day rule does.
 */
export interface WebhookEndpointChanges {
  readonly url?: string;
  readonly events?: readonly WebhookEventType[];
  readonly description?: string | null;
  readonly status?: 'enabled' | 'disabled';
}

/** Why an endpoint its tenant disabled is disabled. */
export const DISABLED_BY_TENANT = 'Disabled by its tenant.';

/** A fresh signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks expect. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Each tenant's webhook endpoints. Every read and write is scoped to one tenant. */
export class WebhookEndpoints {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /** Records a new endpoint; returns it with its secret, which is shown this once. */
  async create(
    input: NewWebhookEndpoint,
    now = new Date(),
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const row = {
      id: newId('we_'),
      tenant_id: input.tenantId,
      url: input.url,
      description: input.description,
      events: JSON.stringify(input.events),
      secret: newWebhookSecret(),
      status: 'enabled',
      created_at: isoTime(now),
      failing_since: null,
      disabled_at: null,
      disabled_reason: null,
    };
    await this.db.insertInto('webhook_endpoints').values(row).execute();
    return { endpoint: toRecord(row), secret: row.secret };
  }

  /** The tenant's endpoints, newest first. */
  async list(tenantId: string): Promise<WebhookEndpointRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toRecord);
  }

  /** How many endpoints the tenant has. */
  async count(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One of the tenant's endpoints; null for another tenant's, as for a missing one. */
  async get(tenantId: string, id: string): Promise<WebhookEndpointRecord | null> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  /**
   * Changes one of the tenant's endpoints; returns it as it now stands, or
   * null for another tenant's or a missing one. Enabling a disabled endpoint
   * clears its failure streak, `disabled_at` and `disabled_reason`; deliveries
   * given up while it was disabled stay given up. Enabling an enabled endpoint
   * or disabling a disabled one changes nothing about its status.
   */
  async update(
    tenantId: string,
    id: string,
    changes: WebhookEndpointChanges,
    now = new Date(),
  ): Promise<WebhookEndpointRecord | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (row === undefined) return null;
      const next = { ...row };
      if (changes.url !== undefined) next.url = changes.url;
      if (changes.events !== undefined) next.events = JSON.stringify(changes.events);
      if (changes.description !== undefined) next.description = changes.description;
      if (changes.status === 'enabled' && row.status !== 'enabled') {
        Object.assign(next, {
          status: 'enabled',
          failing_since: null,
          disabled_at: null,
          disabled_reason: null,
        });
      } else if (changes.status === 'disabled' && row.status !== 'disabled') {
        Object.assign(next, {
          status: 'disabled',
          disabled_at: isoTime(now),
          disabled_reason: DISABLED_BY_TENANT,
        });
      }
      await trx
        .updateTable('webhook_endpoints')
        .set({
          url: next.url,
          events: next.events,
          description: next.description,
          status: next.status,
          failing_since: next.failing_since,
          disabled_at: next.disabled_at,
          disabled_reason: next.disabled_reason,
        })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .execute();
      return toRecord(next);
    });
  }

  /** Deletes one of the tenant's endpoints with its deliveries and their attempts; false if it had none such. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) return false;
      await trx.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute();
      await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      return true;
    });
  }

  /**
   * Notes an attempt's outcome on its endpoint: a success ends a run of
   * failures; a failure starts one or extends it, and an endpoint whose run
   * has lasted `disableAfterMs` is disabled and its pending deliveries given
   * up. Returns whether this call disabled it.
   */
  async noteOutcome(
    id: string,
    succeeded: boolean,
    attemptStartedAt: Date,
    disableAfterMs: number,
    now = new Date(),
  ): Promise<boolean> {
    if (succeeded) {
      await this.db
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', id)
        .where('failing_since', 'is not', null)
        .execute();
      return false;
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('webhook_endpoints')
        .select(['failing_since', 'status'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined || row.status !== 'enabled') return false;
      const since = row.failing_since ?? isoTime(attemptStartedAt);
      if (now.getTime() - Date.parse(since) < disableAfterMs) {
        if (row.failing_since === null) {
          await trx
            .updateTable('webhook_endpoints')
            .set({ failing_since: since })
            .where('id', '=', id)
            .execute();
        }
        return false;
      }
      const days = Math.round(disableAfterMs / 86_400_000);
      await trx
        .updateTable('webhook_endpoints')
        .set({
          status: 'disabled',
          failing_since: since,
          disabled_at: isoTime(now),
          disabled_reason: `Every attempt failed for ${days} days in a row (since ${since}).`,
        })
        .where('id', '=', id)
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', completed_at: isoTime(now), next_attempt_at: null })
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .where((eb) =>
          eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', isoTime(now))]),
        )
        .execute();
      return true;
    });
  }
}
