import { parentPort, workerData } from 'node:worker_threads';
import type { LogFormat, Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import { openExportQueue } from '../jobs/index.js';
import { logDestination } from '../logging/index.js';
import { openRuntime } from './runtime.js';

/** What `portage serve` hands its worker thread when it starts it. */
export interface WorkerThreadData {
  readonly settings: Settings;
  /** The log format the server resolved (the thread's own standard output is no terminal). */
  readonly logFormat: LogFormat;
}

/** Messages from the server to its worker thread. */
export type ToWorkerThread =
  | { readonly type: 'announce'; readonly exportId: string }
  | { readonly type: 'stop'; readonly graceMs: number };

/** Messages from the worker thread to the server. */
export type FromWorkerThread =
  | { readonly type: 'started' }
  | { readonly type: 'stopped' }
  | { readonly type: 'stop-failed'; readonly message: string };

/*
 * The worker thread of `portage serve`: the same workers `portage worker`
 * runs (the embedded queue on SQLite state, pg-boss on PostgreSQL), on their
 * own runtime — their own connections to the state and to the platform, their
 * own heap — so that reading, encoding, compressing and hashing an export
 * never hold up the thread that answers HTTP. Everything an export changes
 * (progress, failure, completion, cancellation) goes through the state
 * database, as between `portage serve --no-worker` and `portage worker`.
 */
const port = parentPort;
if (port === null) throw new Error('worker-thread.js runs as a worker thread of `portage serve`');
const { settings, logFormat } = workerData as WorkerThreadData;
const log = (line: string) => process.stderr.write(`${line}\n`);

const runtime = await openRuntime(settings, log, { events: logDestination(logFormat) });
const queue = await openExportQueue(runtime, { work: true }).catch(async (error: unknown) => {
  await runtime.close();
  throw error;
});
await queue.start();

port.on('message', (message: ToWorkerThread) => {
  if (message.type === 'announce') {
    void queue.announce(message.exportId);
    return;
  }
  void drain(message.graceMs)
    .then(
      () => port.postMessage({ type: 'stopped' } satisfies FromWorkerThread),
      (error: unknown) =>
        port.postMessage({
          type: 'stop-failed',
          message: toError(error).message,
        } satisfies FromWorkerThread),
    )
    // With its port closed and its connections released, the thread ends.
    .finally(() => port.close());
});
port.postMessage({ type: 'started' } satisfies FromWorkerThread);

async function drain(graceMs: number): Promise<void> {
  try {
    await queue.stop(graceMs);
    await queue.close();
  } finally {
    await runtime.close();
  }
}
