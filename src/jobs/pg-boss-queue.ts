import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { POSTGRES_CONNECTION } from '../config/index.js';
import { toError } from '../errors/index.js';
import type { ExportContext } from './export-context.js';
import type { ExportQueue } from './export-queue.js';
import { runQueuedExport, type QueuedExportOutcome } from './queued-export.js';
import { PORTAGE_LOCK_CLASS } from '../store/tenant-lock.js';
import { Reaper } from './reaper.js';
import { backoffMs } from './retry.js';
import { newWorkerOwner } from './worker.js';
import { runPiece } from './piece-job.js';
import type { PieceJobData } from './piece-queue.js';
import { PgBossPieces, PIECE_QUEUE_NAME, PIECE_QUEUE_OPTIONS } from './pg-boss-pieces.js';

/** The pg-boss queue that carries one job per export to run. */
export const EXPORT_QUEUE_NAME = 'portage-export';

/** The data of an export job. */
export interface ExportJobData {
  readonly exportId: string;
}

/** Seconds before a job whose tenant was at its `maxRunning` limit is tried again. */
const BUSY_RETRY_SECONDS = 2;

/** Options of {@link PgBossQueue.open}. */
export interface PgBossQueueOptions {
  /** Whether this process will run workers: it then also supervises pg-boss's maintenance. (Default: true) */
  readonly work?: boolean;
}

/**
 * The production queue: pg-boss 10 in Portage's PostgreSQL database (schema
 * `pgboss`). The API sends one job per new export, keyed by the export id
 * under the `short` policy, so an export has at most one queued job however
 * often it is announced. Workers take jobs with `boss.work`, claim the named
 * export's lease in Portage's own table and run it; pg-boss retries a job only
 * when claiming itself failed (the database was unreachable). Each worker
 * process also runs a {@link Reaper}, since pg-boss has no heartbeat to notice
 * a worker that died.
 */
export class PgBossQueue implements ExportQueue {
  readonly kind = 'pg-boss';
  private readonly owner = newWorkerOwner();
  private readonly running = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private readonly reaper: Reaper;
  /** Where this process's exports send their pieces, and takes pieces from. */
  private readonly pieces: PgBossPieces;
  private started = false;
  private stopping = false;
  private closed = false;

  private constructor(
    private readonly boss: PgBoss,
    private readonly ctx: ExportContext,
  ) {
    this.reaper = new Reaper(ctx, (id) => this.announce(id));
    this.pieces = new PgBossPieces(boss, pieceExpirySeconds(ctx.settings.leaseSeconds));
  }

  /** Connects to the queue, installing or migrating pg-boss's schema and the export queue if needed. */
  static async open(ctx: ExportContext, options: PgBossQueueOptions = {}): Promise<PgBossQueue> {
    const work = options.work ?? true;
    const boss = new PgBoss({
      ...POSTGRES_CONNECTION,
      connectionString: ctx.settings.databaseUrl,
      application_name: 'portage-queue',
      max: ctx.settings.workerConcurrency + 2,
      supervise: work,
      // Maintenance fails the expired jobs of dead workers: soon enough for a piece to run again.
      maintenanceIntervalSeconds: Math.min(120, ctx.settings.leaseSeconds),
      schedule: false,
    });
    boss.on('error', (error) => console.error('queue:', toError(error).message));
    await boss.start();
    try {
      await ensureExportQueue(boss, ctx.settings.databaseUrl);
    } catch (error) {
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
      throw error;
    }
    return new PgBossQueue(boss, ctx);
  }

  /** Sends the export's job; a duplicate of a queued one is dropped by its singleton key. */
  async announce(exportId: string, startAfterSeconds = 0): Promise<void> {
    try {
      await this.boss.send(
        EXPORT_QUEUE_NAME,
        { exportId } satisfies ExportJobData,
        startAfterSeconds > 0
          ? { singletonKey: exportId, startAfter: startAfterSeconds }
          : { singletonKey: exportId },
      );
    } catch (error) {
      // The export row is already written: the reaper announces it again.
      console.error(`queue: announcing export ${exportId} failed:`, toError(error).message);
    }
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { settings } = this.ctx;
    const pollingIntervalSeconds = Math.max(0.5, settings.pollMs / 1000);
    for (let i = 0; i < settings.workerConcurrency; i++) {
      await this.boss.work<ExportJobData>(
        EXPORT_QUEUE_NAME,
        { batchSize: 1, pollingIntervalSeconds },
        (jobs) => this.track(Promise.all(jobs.map((job) => this.handle(job.data.exportId)))),
      );
      await this.boss.work<PieceJobData>(
        PIECE_QUEUE_NAME,
        { batchSize: 1, pollingIntervalSeconds },
        // One job per fetch: what it returns is recorded as the job's output.
        ([job]) => this.track(runPiece(this.ctx, job!.data, this.shutdown.signal)),
      );
    }
    this.reaper.start();
  }

  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.reaper.stop();
    if (this.started) {
      await this.boss.offWork(EXPORT_QUEUE_NAME);
      await this.boss.offWork(PIECE_QUEUE_NAME);
    }
    const timer = setTimeout(() => this.shutdown.abort(), graceMs);
    await Promise.allSettled([...this.running]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }

  private async handle(exportId: string): Promise<void> {
    if (this.stopping) {
      // Fetched just as the process began to stop: give the job back.
      await this.announce(exportId);
      return;
    }
    let outcome: QueuedExportOutcome;
    try {
      outcome = await runQueuedExport(
        { ...this.ctx, pieces: this.pieces },
        exportId,
        this.owner,
        this.shutdown.signal,
      );
    } catch (error) {
      // Portage's database stayed away longer than the retries: the export's lease
      // lapses and the reaper hands it on. pg-boss records the job's end without
      // catching a failure, so the job must not end before the database is back.
      console.error(`export ${exportId}: left to the reaper:`, toError(error).message);
      await this.untilQueueAnswers();
      return;
    }
    if (outcome === 'busy') await this.announce(exportId, BUSY_RETRY_SECONDS);
    else if (outcome === 'released') await this.announce(exportId);
  }

  /** Waits, with backoff, until pg-boss's database answers again (or the process stops). */
  private async untilQueueAnswers(): Promise<void> {
    for (let retry = 1; !this.shutdown.signal.aborted; retry++) {
      try {
        await this.boss.getQueue(EXPORT_QUEUE_NAME);
        return;
      } catch {
        const waitMs = Math.min(backoffMs(retry, this.ctx.settings.retryBaseMs), 30_000);
        await sleep(waitMs, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
      }
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }
}

/**
 * Seconds a piece job may stay with its worker before pg-boss takes it as
 * dead and runs it again: three leases. A piece that outlives it is run twice,
 * harmlessly (each run writes the same bytes under the same key).
 */
function pieceExpirySeconds(leaseSeconds: number): number {
  return leaseSeconds * 3;
}

/**
 * Creates the export queue (and the queue of pieces) unless they exist. pg-boss's `createQueue` is not
 * safe to run from several processes at once (concurrent calls deadlock in
 * PostgreSQL), and a deployment often starts every process together, so the
 * check and the creation run under a session advisory lock.
 */
async function ensureExportQueue(boss: PgBoss, databaseUrl: string): Promise<void> {
  const present = async () =>
    (await boss.getQueue(EXPORT_QUEUE_NAME)) !== null &&
    (await boss.getQueue(PIECE_QUEUE_NAME)) !== null;
  if (await present()) return;
  const lock = new pg.Client({
    ...POSTGRES_CONNECTION,
    connectionString: databaseUrl,
    application_name: 'portage-queue',
  });
  // A connection ended from outside must not become an uncaught error; its queries still reject.
  lock.on('error', () => undefined);
  await lock.connect();
  try {
    await lock.query(`select pg_advisory_lock($1, hashtext('queue setup'))`, [PORTAGE_LOCK_CLASS]);
    if (await present()) return;
    if ((await boss.getQueue(PIECE_QUEUE_NAME)) === null) {
      await boss.createQueue(PIECE_QUEUE_NAME, PIECE_QUEUE_OPTIONS);
    }
    if ((await boss.getQueue(EXPORT_QUEUE_NAME)) !== null) return;
    await boss.createQueue(EXPORT_QUEUE_NAME, {
      name: EXPORT_QUEUE_NAME,
      policy: 'short',
      retryLimit: 10,
      retryDelay: 5,
      retryBackoff: true,
      // The lease decides whether a worker still runs an export; this only bounds
      // how long pg-boss keeps the job of a dead worker active.
      expireInSeconds: 6 * 3600,
    });
  } finally {
    // Ending the session releases its lock.
    await lock.end();
  }
}
