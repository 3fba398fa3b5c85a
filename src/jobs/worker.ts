import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from '../errors/index.js';
import type { LocalDispatcher } from './dispatcher.js';
import type { ExportContext } from './export-context.js';
import { runExport } from './export-job.js';
import { housekeep } from './expiry.js';

/** How often a worker deletes archives past their retention. */
export const EXPIRY_EVERY_MS = 60_000;

/** A name for a worker, unique across machines and restarts: `host:pid:random`. */
export function newWorkerOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * The embedded worker: polls the exports table (the queue of record on
 * SQLite), claims with a fenced lease, and runs up to `workerConcurrency` of them at
 * once. `stop()` drains: it takes no new work, lets running exports finish
 * within the grace period, then gives the rest back to the queue.
 */
export class Worker {
  readonly owner = newWorkerOwner();
  private readonly running = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopping = false;

  constructor(
    private readonly ctx: ExportContext,
    private readonly dispatcher: LocalDispatcher,
  ) {}

  /** Starts taking work. */
  start(): void {
    if (this.loop !== null) return;
    this.unsubscribe = this.dispatcher.subscribe(() => this.wakeUp?.());
    this.loop = this.run();
  }

  /** Stops taking work; waits up to `graceMs` for running exports, then releases them. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.loop === null) return;
    this.stopping = true;
    this.unsubscribe?.();
    this.wakeUp?.();
    await this.loop;
    const timer = setTimeout(() => this.shutdown.abort(), graceMs);
    await Promise.allSettled([...this.running]);
    clearTimeout(timer);
    this.loop = null;
  }

  private async run(): Promise<void> {
    const { settings } = this.ctx;
    let lastExpiry = 0;
    while (!this.stopping) {
      if (Date.now() - lastExpiry > EXPIRY_EVERY_MS) {
        lastExpiry = Date.now();
        // A failed tidy-up waits for the next pass; it never holds up work.
        await housekeep(this.ctx).catch((error: unknown) =>
          console.error('worker: housekeeping failed, retrying later:', toError(error).message),
        );
      }
      try {
        if (this.running.size < settings.workerConcurrency && (await this.claimOne())) continue;
      } catch (error) {
        console.error('worker: taking work failed, retrying:', toError(error).message);
      }
      await this.idle(settings.pollMs);
    }
  }

  private async claimOne(): Promise<boolean> {
    const { store, settings } = this.ctx;
    const claimed = await store.leases.claim({
      owner: this.owner,
      leaseMs: settings.leaseSeconds * 1000,
      maxAttempts: settings.maxAttempts,
      limitsOf: (tenant) => store.tenants.limitsOf(tenant, settings.limits),
    });
    if (claimed === null) return false;
    const job = runExport(this.ctx, claimed.lease, claimed.export, this.shutdown.signal)
      .catch((error: unknown) => console.error(`export ${claimed.export.id}:`, toError(error)))
      .finally(() => {
        this.running.delete(job);
        this.wakeUp?.();
      });
    this.running.add(job);
    return true;
  }

  private async idle(ms: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
    await Promise.race([sleep(ms), woken]);
    this.wakeUp = null;
  }
}
