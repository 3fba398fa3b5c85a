import type { Dispatcher } from './dispatcher.js';

/**
 * The job queue between the API and the workers. Two implementations, chosen
 * by `PORTAGE_DATABASE_URL`: {@link EmbeddedQueue} (SQLite; workers in the
 * process poll Portage's own exports table) and {@link PgBossQueue}
 * (PostgreSQL; pg-boss dispatches, any number of worker processes).
 * Either way the lease, its heartbeat and the fencing token are Portage's own.
 */
export interface ExportQueue extends Dispatcher {
  /** `embedded` or `pg-boss`, for logs. */
  readonly kind: 'embedded' | 'pg-boss';
  /** Starts this process's workers: they take exports until {@link stop}. */
  start(): Promise<void>;
  /**
   * Stops taking exports. Running ones get `graceMs` to finish; the rest are
   * released back to the queue (pending again, the attempt not counted).
   * Resolves once every running export has ended.
   */
  stop(graceMs: number): Promise<void>;
  /** Releases the queue's connections; call after {@link stop}. */
  close(): Promise<void>;
}
