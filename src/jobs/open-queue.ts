import { EmbeddedQueue } from './embedded-queue.js';
import type { ExportContext } from './export-context.js';
import type { ExportQueue } from './export-queue.js';

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
  if (ctx.store.dialect !== 'postgres') return new EmbeddedQueue(ctx);
  // pg-boss is loaded only by processes on PostgreSQL state.
  const { PgBossQueue } = await import('./pg-boss-queue.js');
  return PgBossQueue.open(ctx, options);
}
