import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from '../errors/index.js';
import type { Settings } from '../config/index.js';
import type { ClaimedDelivery, PendingWebhookEvent, Store } from '../store/index.js';
import { DISABLE_AFTER_MS, nextAttemptAt } from './retry-schedule.js';
import { sendWebhook } from './send-webhook.js';
import { signWebhook } from './signature.js';

/** What a {@link WebhookSender} works with. */
export interface WebhookSenderContext {
  readonly settings: Settings;
  readonly store: Store;
  /** The body of an event (`{"type", "timestamp", "data"}`), or null when its object is gone. */
  readonly render: (event: PendingWebhookEvent, now: Date) => Promise<string | null>;
}

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /** The time, for tests that move it. (Default: the system clock) */
  readonly clock?: () => Date;
  /** How often an idle sender looks for due deliveries, in ms. (Default: `PORTAGE_POLL_MS`) */
  readonly pollMs?: number;
  /** Where to write one line per attempt. (Default: standard output) */
  readonly log?: (line: string) => void;
}

/** Time a lease outlives the attempt's own timeout. */
const LEASE_MARGIN_MS = 5_000;

/**
 * Sends webhooks from the queue of record, in any process that runs workers:
 * fans new events of the outbox out into deliveries, then leases due
 * deliveries (at most `PORTAGE_WEBHOOK_CONCURRENCY` at once in this process,
 * `PORTAGE_WEBHOOK_ENDPOINT_CONCURRENCY` per endpoint across all), signs and
 * sends each, and records the attempt and the next one. It runs beside the
 * export workers, never on their path: a slow endpoint holds one of its own
 * slots, no more.
 */
export class WebhookSender {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly running = new Set<Promise<void>>();
  private readonly clock: () => Date;
  private readonly log: (line: string) => void;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly ctx: WebhookSenderContext,
    private readonly options: WebhookSenderOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  }

  /** Starts sending until {@link stop}. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops taking deliveries and waits for those in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    await Promise.allSettled([...this.running]);
    this.loop = null;
  }

  /**
   * One pass at the clock's current time: fans out every new event, then
   * sends every delivery due, and resolves when all have been attempted.
   * Returns the number of attempts made. (What the loop does, for tests.)
   */
  async runDue(): Promise<number> {
    await this.fanOut();
    let attempts = 0;
    for (;;) {
      const claim = await this.claim();
      if (claim === null) break;
      attempts++;
      this.track(this.deliver(claim));
      if (this.running.size >= this.ctx.settings.webhooks.concurrency) {
        await Promise.race([...this.running]);
      }
    }
    await Promise.allSettled([...this.running]);
    return attempts;
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? this.ctx.settings.pollMs;
    while (!this.stopping) {
      let claimed = false;
      try {
        await this.fanOut();
        while (!this.stopping && this.running.size < this.ctx.settings.webhooks.concurrency) {
          const claim = await this.claim();
          if (claim === null) break;
          claimed = true;
          this.track(this.deliver(claim));
        }
      } catch (error) {
        console.error('webhooks: taking work failed, retrying:', toError(error).message);
      }
      if (!claimed || this.running.size >= this.ctx.settings.webhooks.concurrency) {
        await this.idle(pollMs);
      }
    }
  }

  /** Turns every event of the outbox not yet handled into deliveries, once. */
  private async fanOut(): Promise<void> {
    const { store } = this.ctx;
    for (const event of await store.webhookDeliveries.pendingEvents()) {
      const now = this.clock();
      const payload =
        (await this.ctx.render(event, now)) ??
        JSON.stringify({ type: event.type, timestamp: event.createdAt, data: null });
      await store.webhookDeliveries.fanOut(event, payload, now);
    }
  }

  private claim(): Promise<ClaimedDelivery | null> {
    const { webhooks } = this.ctx.settings;
    return this.ctx.store.webhookDeliveries.claim({
      owner: this.owner,
      leaseMs: webhooks.timeoutSeconds * 1000 + LEASE_MARGIN_MS,
      perEndpoint: webhooks.perEndpoint,
      now: this.clock(),
    });
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const { store, settings } = this.ctx;
    const startedAt = this.clock();
    const headers = signWebhook(claim.secret, claim.eventId, startedAt, claim.payload);
    const result = await sendWebhook(claim.url, headers, claim.payload, {
      timeoutMs: settings.webhooks.timeoutSeconds * 1000,
      allowPrivate: settings.webhooks.allowPrivate,
    });
    const now = this.clock();
    const succeeded = result.outcome === 'succeeded';
    const next = succeeded ? null : nextAttemptAt(claim.attempt, now);
    await store.webhookDeliveries.finish(claim, result, next, now);
    const disabled = await store.webhookEndpoints.noteOutcome(
      claim.endpointId,
      succeeded,
      startedAt,
      DISABLE_AFTER_MS,
      now,
    );
    this.log(
      `webhook ${claim.eventId} (${claim.eventType}) to ${claim.endpointId}: attempt ${claim.attempt} ${result.outcome}` +
        (result.responseStatus === null ? '' : ` ${result.responseStatus}`) +
        (succeeded ? '' : next === null ? ', gave up' : `, next at ${next.toISOString()}`) +
        (disabled ? '; endpoint disabled' : ''),
    );
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        console.error('webhooks: recording an attempt failed:', toError(error).message),
      )
      .finally(() => {
        this.running.delete(tracked);
        this.wakeUp?.();
      });
    this.running.add(tracked);
  }

  private async idle(ms: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
    await Promise.race([sleep(ms), woken]);
    this.wakeUp = null;
  }
}
