import { EmbeddedQueue } from './embedded-queue.js';
import type { ExportContext } from './export-context.js';
import type { ExportQueue } from './export-queue.js';
import { PgBossQueue } from './pg-boss-queue.js';

/** Options of {@link openExportQueue}. */
export interface OpenQueueOptions {
  /** Whether this process will run workers (`portage worker`, or `serve` without `--no-worker`). (Default: true) */
  readonly work?: boolean;
}

/**
 * The job queue that fits Portage's state database: pg-boss when
 * `PORTAGE_DATABASE_URL` is a `postgres://` URL, else the embedded queue.
 */
export async function openExportQueue(
  ctx: ExportContext,
  options: OpenQueueOptions = {},
): Promise<ExportQueue> {
  return ctx.store.dialect === 'postgres' ? PgBossQueue.open(ctx, options) : new EmbeddedQueue(ctx);
}
