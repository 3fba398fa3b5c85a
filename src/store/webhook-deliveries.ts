import type { Kysely, Selectable, Transaction } from 'kysely';
import { isoTime, newId } from './ids.js';
import type { StateDatabase } from './schema.js';
import type { StateDialect } from './state-db.js';
import type { WebhookAttemptTable, WebhookDeliveryTable } from './webhook-tables.js';

/** An event of the outbox not yet handed to the endpoints. */
export interface PendingWebhookEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly type: string;
  readonly objectId: string;
  readonly createdAt: string;
}

/** A delivery a process has leased to send now. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly endpointId: string;
  readonly tenantId: string;
  readonly url: string;
  readonly secret: string;
  /** The exact body to send. */
  readonly payload: string;
  /** This attempt's number, 1 for the first. */
  readonly attempt: number;
  readonly attemptId: string;
  readonly owner: string;
}

/** How one attempt ended. */
export interface AttemptResult {
  /** `succeeded` (a 2xx), `failed` (another answer or a network error), `timeout` or `refused` (the destination is not allowed). */
  readonly outcome: 'succeeded' | 'failed' | 'timeout' | 'refused';
  readonly durationMs: number;
  readonly responseStatus: number | null;
  readonly error: string | null;
}

/** One attempt, as the deliveries list shows it. */
export interface WebhookAttemptRecord {
  readonly number: number;
  readonly startedAt: string;
  readonly outcome: string;
  readonly durationMs: number | null;
  readonly responseStatus: number | null;
  readonly error: string | null;
}

/** One event's delivery to one endpoint, with every attempt. */
export interface WebhookDeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly endpointId: string;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly attempts: readonly WebhookAttemptRecord[];
}

/** Options of {@link WebhookDeliveries.claim}. */
export interface DeliveryClaimOptions {
  readonly owner: string;
  readonly leaseMs: number;
  /** Deliveries of one endpoint in flight at once, across every process. */
  readonly perEndpoint: number;
  readonly now?: Date;
}

type Db = Kysely<StateDatabase> | Transaction<StateDatabase>;

/**
 * The webhook queue of record: events of the outbox are fanned out into one
 * delivery per endpoint, and deliveries are leased to one process at a time,
 * as exports are. A process that dies mid-send loses its lease; the next one
 * sends again, with the same event id.
 */
export class WebhookDeliveries {
  constructor(
    private readonly db: Kysely<StateDatabase>,
    private readonly dialect: StateDialect,
  ) {}

  /** The oldest events not yet fanned out. */
  async pendingEvents(limit = 50): Promise<PendingWebhookEvent[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .select(['id', 'tenant_id', 'type', 'object_id', 'created_at'])
      .where('fanned_out', '=', 0)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      type: r.type,
      objectId: r.object_id,
      createdAt: r.created_at,
    }));
  }

  /**
   * Records the event's body and one pending delivery for each enabled
   * endpoint of its tenant that takes its type, all at once and only once:
   * returns the number of deliveries, or null if another process fanned it out first.
   */
  async fanOut(
    event: PendingWebhookEvent,
    payload: string,
    now = new Date(),
  ): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable('webhook_events')
        .set({ fanned_out: 1, payload })
        .where('id', '=', event.id)
        .where('fanned_out', '=', 0)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return null;
      const endpoints = await trx
        .selectFrom('webhook_endpoints')
        .select(['id', 'events'])
        .where('tenant_id', '=', event.tenantId)
        .where('status', '=', 'enabled')
        .execute();
      const wanted = endpoints.filter((e) =>
        (JSON.parse(e.events) as string[]).includes(event.type),
      );
      for (const endpoint of wanted) {
        await trx
          .insertInto('webhook_deliveries')
          .values({
            id: newId('whd_'),
            event_id: event.id,
            endpoint_id: endpoint.id,
            tenant_id: event.tenantId,
            event_type: event.type,
            status: 'pending',
            attempts: 0,
            created_at: isoTime(now),
            next_attempt_at: isoTime(now),
          })
          .execute();
      }
      return wanted.length;
    });
  }

  /**
   * Leases the delivery due first whose endpoint has fewer than `perEndpoint`
   * in flight, and opens its attempt. An attempt left `sending` by a process
   * whose lease lapsed is closed as `interrupted`. Null when nothing is due.
   */
  async claim(options: DeliveryClaimOptions): Promise<ClaimedDelivery | null> {
    const now = isoTime(options.now ?? new Date());
    return this.db.transaction().execute(async (trx) => {
      const candidates = await this.due(trx, now)
        .selectAll()
        .orderBy('next_attempt_at')
        .limit(20)
        .execute();
      for (const candidate of candidates) {
        // On PostgreSQL, lock the one candidate about to be tried, skipping it
        // when another process holds it: locking all twenty at once would
        // leave concurrent claimers nothing to take. SQLite's transactions
        // already run one at a time.
        const delivery =
          this.dialect === 'postgres'
            ? await this.due(trx, now)
                .selectAll()
                .where('id', '=', candidate.id)
                .forUpdate()
                .skipLocked()
                .executeTakeFirst()
            : candidate;
        if (delivery === undefined) continue;
        const claimed = await this.claimOne(trx, delivery, options, now);
        if (claimed !== null) return claimed;
      }
      return null;
    });
  }

  /** The deliveries due at `now` that no live lease holds. */
  private due(trx: Transaction<StateDatabase>, now: string) {
    return trx
      .selectFrom('webhook_deliveries')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) =>
        eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]),
      );
  }

  private async claimOne(
    trx: Transaction<StateDatabase>,
    delivery: Selectable<WebhookDeliveryTable>,
    options: DeliveryClaimOptions,
    now: string,
  ): Promise<ClaimedDelivery | null> {
    // Locking the endpoint serializes its claims, so that the count below is exact.
    const endpoint = await trx
      .selectFrom('webhook_endpoints')
      .select(['url', 'secret', 'status'])
      .where('id', '=', delivery.endpoint_id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    const event = await trx
      .selectFrom('webhook_events')
      .select('payload')
      .where('id', '=', delivery.event_id)
      .executeTakeFirst();
    if (endpoint?.status !== 'enabled' || event?.payload == null) {
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', completed_at: now, next_attempt_at: null })
        .where('id', '=', delivery.id)
        .execute();
      return null;
    }
    const inFlight = await trx
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('endpoint_id', '=', delivery.endpoint_id)
      .where('status', '=', 'pending')
      .where('lease_expires_at', '>', now)
      .executeTakeFirstOrThrow();
    if (Number(inFlight.n) >= options.perEndpoint) return null;
    if (delivery.lease_owner !== null) {
      await trx
        .updateTable('webhook_attempts')
        .set({
          outcome: 'interrupted',
          error: 'The process sending it stopped before an answer was recorded.',
        })
        .where('delivery_id', '=', delivery.id)
        .where('outcome', '=', 'sending')
        .execute();
    }
    const attempt = delivery.attempts + 1;
    const leaseUntil = isoTime(new Date(Date.parse(now) + options.leaseMs));
    await trx
      .updateTable('webhook_deliveries')
      .set({ attempts: attempt, lease_owner: options.owner, lease_expires_at: leaseUntil })
      .where('id', '=', delivery.id)
      .execute();
    const attemptId = newId('wha_');
    await trx
      .insertInto('webhook_attempts')
      .values({
        id: attemptId,
        delivery_id: delivery.id,
        endpoint_id: delivery.endpoint_id,
        event_type: delivery.event_type,
        number: attempt,
        started_at: now,
        outcome: 'sending',
      })
      .execute();
    return {
      id: delivery.id,
      eventId: delivery.event_id,
      eventType: delivery.event_type,
      endpointId: delivery.endpoint_id,
      tenantId: delivery.tenant_id,
      url: endpoint.url,
      secret: endpoint.secret,
      payload: event.payload,
      attempt,
      attemptId,
      owner: options.owner,
    };
  }

  /**
   * Records an attempt's result and what comes next: done (`nextAttemptAt`
   * null, or a success) or another attempt then. Only the lease's owner may
   * move the delivery on; returns false when it had lost the lease.
   */
  async finish(
    claim: ClaimedDelivery,
    result: AttemptResult,
    nextAttemptAt: Date | null,
    now = new Date(),
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('webhook_attempts')
        .set({
          outcome: result.outcome,
          duration_ms: result.durationMs,
          response_status: result.responseStatus,
          error: result.error,
        })
        .where('id', '=', claim.attemptId)
        .execute();
      const done = result.outcome === 'succeeded' || nextAttemptAt === null;
      const moved = await trx
        .updateTable('webhook_deliveries')
        .set({
          status: result.outcome === 'succeeded' ? 'succeeded' : done ? 'failed' : 'pending',
          completed_at: done ? isoTime(now) : null,
          next_attempt_at: done || nextAttemptAt === null ? null : isoTime(nextAttemptAt),
          lease_owner: null,
          lease_expires_at: null,
        })
        .where('id', '=', claim.id)
        .where('lease_owner', '=', claim.owner)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(moved.numUpdatedRows) === 1;
    });
  }

  /** The endpoint's deliveries, newest first, each with its attempts; `before` is a delivery id to page past. */
  async list(
    tenantId: string,
    endpointId: string,
    limit: number,
    before: string | null,
  ): Promise<WebhookDeliveryRecord[]> {
    let query = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('endpoint_id', '=', endpointId);
    if (before !== null) {
      const cursor = await this.db
        .selectFrom('webhook_deliveries')
        .select(['created_at', 'id'])
        .where('id', '=', before)
        .where('endpoint_id', '=', endpointId)
        .executeTakeFirst();
      if (cursor === undefined) return [];
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor.created_at),
          eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const attempts = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where(
        'delivery_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('number')
      .execute();
    return rows.map((row) =>
      toDeliveryRecord(
        row,
        attempts.filter((a) => a.delivery_id === row.id),
      ),
    );
  }

  /** Deliveries by event type and status, across every tenant (for `/metrics`). */
  async countDeliveries(): Promise<{ event: string; status: string; n: number }[]> {
    return countBy(this.db, 'webhook_deliveries', 'status');
  }

  /** Attempts by event type and outcome, across every tenant (for `/metrics`). */
  async countAttempts(): Promise<{ event: string; status: string; n: number }[]> {
    return countBy(this.db, 'webhook_attempts', 'outcome');
  }
}

async function countBy(
  db: Db,
  table: 'webhook_deliveries' | 'webhook_attempts',
  column: 'status' | 'outcome',
): Promise<{ event: string; status: string; n: number }[]> {
  const rows = await db
    .selectFrom(table)
    .select((eb) => [
      eb.ref('event_type').as('event'),
      eb.ref(column as 'status').as('status'),
      eb.fn.countAll<string | number>().as('n'),
    ])
    .groupBy(['event_type', column as 'status'])
    .execute();
  return rows.map((r) => ({ event: r.event, status: r.status, n: Number(r.n) }));
}

function toDeliveryRecord(
  row: Selectable<WebhookDeliveryTable>,
  attempts: Selectable<WebhookAttemptTable>[],
): WebhookDeliveryRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    status: row.status === 'succeeded' || row.status === 'failed' ? row.status : 'pending',
    createdAt: row.created_at,
    completedAt: row.completed_at,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    attempts: attempts.map((a) => ({
      number: a.number,
      startedAt: a.started_at,
      outcome: a.outcome,
      durationMs: a.duration_ms,
      responseStatus: a.response_status,
      error: a.error,
    })),
  };
}
