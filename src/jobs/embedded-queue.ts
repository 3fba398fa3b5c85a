import { LocalDispatcher } from './dispatcher.js';
import type { ExportContext } from './export-context.js';
import type { ExportQueue } from './export-queue.js';
import { Worker } from './worker.js';

/**
 * The embedded queue (SQLite): the exports table is the queue of record, the
 * process's own {@link Worker} polls it, and an announcement wakes it early.
 */
export class EmbeddedQueue implements ExportQueue {
  readonly kind = 'embedded';
  private readonly dispatcher = new LocalDispatcher();
  private worker: Worker | null = null;

  constructor(private readonly ctx: ExportContext) {}

  announce(): Promise<void> {
    return this.dispatcher.announce();
  }

  start(): Promise<void> {
    this.worker ??= new Worker(this.ctx, this.dispatcher);
    this.worker.start();
    return Promise.resolve();
  }

  async stop(graceMs: number): Promise<void> {
    await this.worker?.stop(graceMs);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
