import { Worker } from 'node:worker_threads';
import type { LogFormat, Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import type { ExportQueue } from '../jobs/index.js';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './worker-thread.js';
import { defaultYoungGenerationForNewThreads } from './young-generation.js';

/** Options of {@link WorkerThreadQueue}. */
export interface WorkerThreadQueueOptions {
  readonly settings: Settings;
  /** The format of the thread's event log lines. */
  readonly logFormat: LogFormat;
  /** The queue the thread runs: `embedded` on SQLite state, `pg-boss` on PostgreSQL. */
  readonly kind: ExportQueue['kind'];
  /**
   * Called when the thread ends by itself, or fails, after it started: the
   * process then runs no exports. (`portage serve` exits: the exports' leases
   * lapse and are taken over, as after any crash.)
   */
  readonly onFailure: (error: Error) => void;
}

/**
 * The export queue of `portage serve` with its workers: they run on a worker
 * thread (`worker-thread.ts`), with their own runtime, so that the thread that
 * answers HTTP only ever waits for its own requests. Announcements cross to
 * the thread as messages; an export's progress, failure, cancellation and
 * completion cross through the state database, as they do between separate
 * processes. `portage worker` and `portage export` keep the work on their main
 * thread: they serve no requests for it to delay.
 */
export class WorkerThreadQueue implements ExportQueue {
  readonly kind: ExportQueue['kind'];
  private thread: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private ended = false;
  private failure: Error | null = null;

  constructor(private readonly options: WorkerThreadQueueOptions) {
    this.kind = options.kind;
  }

  /** Announcements made before the thread was started, handed over when it starts. */
  private readonly early: string[] = [];

  /** Hands the announcement to the thread's queue; never waits for it. */
  announce(exportId: string): Promise<void> {
    if (this.thread === null) this.early.push(exportId);
    else this.post({ type: 'announce', exportId });
    return Promise.resolve();
  }

  /** Starts the thread; resolves once its workers take exports, rejects if it could not open. */
  async start(): Promise<void> {
    if (this.thread !== null) return;
    const { settings, logFormat } = this.options;
    defaultYoungGenerationForNewThreads();
    const thread = new Worker(new URL('./worker-thread.js', import.meta.url), {
      workerData: { settings, logFormat } satisfies WorkerThreadData,
    });
    this.thread = thread;
    // Queued in the thread's port until its queue listens.
    for (const exportId of this.early.splice(0)) this.post({ type: 'announce', exportId });
    this.exited = new Promise((resolve) =>
      thread.once('exit', () => {
        this.ended = true;
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorkerThread) => {
        if (message.type !== 'started') return;
        settle();
        resolve();
      };
      const onError = (error: unknown) => {
        settle();
        reject(toError(error));
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`the worker thread exited (${code}) before it started`));
      };
      const settle = () => {
        thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      thread.on('message', onMessage).once('error', onError).once('exit', onExit);
    });
    // The thread alone does not keep serve alive: a start that fails after it
    // (a port in use) still ends the process. stop() holds it again to drain.
    thread.unref();
    thread.once('error', (error) => {
      this.failure = toError(error);
      if (!this.stopping) this.options.onFailure(this.failure);
    });
    thread.once('exit', (code) => {
      if (!this.stopping) this.options.onFailure(new Error(`the worker thread exited (${code})`));
    });
  }

  /**
   * Drains the thread's workers (running exports get `graceMs`, then are
   * released) and waits for the thread to end.
   * @throws Error when draining failed in the thread, or the thread ended without draining.
   */
  async stop(graceMs: number): Promise<void> {
    const thread = this.thread;
    if (thread === null || this.stopping || this.ended) return this.exited;
    this.stopping = true;
    thread.ref();
    const answer = new Promise<FromWorkerThread | null>((resolve) => {
      thread.on('message', (message: FromWorkerThread) => {
        if (message.type !== 'started') resolve(message);
      });
      thread.once('exit', () => resolve(null));
    });
    this.post({ type: 'stop', graceMs });
    const outcome = await answer;
    await this.exited;
    if (outcome === null) {
      const why = this.failure === null ? '' : `: ${this.failure.message}`;
      throw new Error(`the worker thread ended before it had drained${why}`);
    }
    if (outcome.type === 'stop-failed') throw new Error(outcome.message);
  }

  /** Nothing left to release: the thread closed its connections when it stopped. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private post(message: ToWorkerThread): void {
    this.thread?.postMessage(message);
  }
}
