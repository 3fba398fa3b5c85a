import { Worker } from 'node:worker_threads';
import type { LogFormat, Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import type { ExportQueue, ImportQueue } from '../jobs/index.js';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './worker-thread.js';

/**
 * The young generation of the thread's heap, in MiB. V8 lets it grow to
 * 48 MiB on a 64-bit machine (two 16 MiB semi-spaces and as much for large
 * objects) when allocation is fast, as it is while rows are read, encoded or
 * imported, though little of what they allocate lives on; 12 MiB (4 MiB
 * semi-spaces) keeps `portage serve` under its memory bound while importing.
 */
const THREAD_YOUNG_GENERATION_MB = 12;

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
 * The export queue of `portage serve` with its workers, and its imports: they
 * run on a worker thread (`worker-thread.ts`), with their own runtime, so that
 * the thread that answers HTTP only ever waits for its own requests.
 * Announcements and accepted imports cross to the thread as messages; their
 * progress, failure, cancellation and completion cross through the state
 * database, as they do between separate processes. `portage worker`,
 * `portage export` and `portage import` keep the work on their main thread:
 * they serve no requests for it to delay.
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

  /** Messages posted before the thread was started, handed over when it starts. */
  private readonly early: ToWorkerThread[] = [];

  /** The imports the thread runs; each accepted import is handed over, never waited for. */
  readonly imports: ImportQueue = {
    submit: (record) => this.post({ type: 'import', record }),
  };

  /** Hands the announcement to the thread's queue; never waits for it. */
  announce(exportId: string): Promise<void> {
    this.post({ type: 'announce', exportId });
    return Promise.resolve();
  }

  /** Starts the thread; resolves once its workers take exports, rejects if it could not open. */
  async start(): Promise<void> {
    if (this.thread !== null) return;
    const { settings, logFormat } = this.options;
    const thread = new Worker(new URL('./worker-thread.js', import.meta.url), {
      workerData: { settings, logFormat } satisfies WorkerThreadData,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    this.thread = thread;
    // Queued in the thread's port until its queue listens.
    for (const message of this.early.splice(0)) this.post(message);
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
    if (this.thread === null) this.early.push(message);
    else this.thread.postMessage(message);
  }
}
