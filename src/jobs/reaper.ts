import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from '../errors/index.js';
import type { ExportContext } from './export-context.js';
import { housekeep } from './expiry.js';
import { logExportState } from './lifecycle-log.js';
import { EXPIRY_EVERY_MS } from './worker.js';

/** What one pass of the reaper did. */
export interface ReapResult {
  /** Exports announced again: pending ones, and running ones whose lease lapsed. */
  readonly announced: number;
  /** Lapsed exports failed because their attempts were spent. */
  readonly failed: number;
}

/**
 * Hands stalled exports back to the queue, every `reaperSeconds` in every
 * worker process: a pending export whose announcement was lost (or whose job
 * pg-boss gave up on) and a running one whose lease lapsed (its worker was
 * killed) are announced again; one whose attempts are spent is failed with
 * `attempts_exhausted`. The queue's singleton key keeps the re-announcements
 * of several reapers from piling up, and the fenced claim keeps a duplicate
 * job harmless. It also deletes archives past their retention.
 */
export class Reaper {
  private readonly stopped = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly ctx: ExportContext,
    private readonly announce: (exportId: string) => Promise<void>,
  ) {}

  /** Starts the periodic passes; the first one runs at once. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the pass in progress, if any. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
  }

  /** One pass: what a periodic tick does, callable on its own. */
  async reapOnce(now = new Date()): Promise<ReapResult> {
    const { store, settings } = this.ctx;
    const stalled = await store.leases.stalled(
      {
        maxAttempts: settings.maxAttempts,
        pendingBefore: new Date(now.getTime() - settings.reaperSeconds * 1000),
      },
      now,
    );
    for (const id of stalled.failed) {
      console.error(`export ${id} failed: its attempts are spent (attempts_exhausted)`);
      await logExportState(this.ctx, id);
    }
    for (const id of [...stalled.pending, ...stalled.lapsed]) await this.announce(id);
    return {
      announced: stalled.pending.length + stalled.lapsed.length,
      failed: stalled.failed.length,
    };
  }

  private async run(): Promise<void> {
    let lastExpiry = 0;
    while (!this.stopped.signal.aborted) {
      try {
        await this.reapOnce();
        if (Date.now() - lastExpiry > EXPIRY_EVERY_MS) {
          lastExpiry = Date.now();
          await housekeep(this.ctx);
        }
      } catch (error) {
        console.error('reaper: a pass failed, retrying:', toError(error).message);
      }
      await sleep(this.ctx.settings.reaperSeconds * 1000, undefined, {
        signal: this.stopped.signal,
      }).catch(() => undefined);
    }
  }
}
