import { parentPort, workerData } from 'node:worker_threads';
import type { LogFormat, Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import { ImportRunner, openExportQueue } from '../jobs/index.js';
import { logDestination } from '../logging/index.js';
import type { ImportRecord } from '../store/index.js';
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
  | { readonly type: 'import'; readonly record: ImportRecord }
  | { readonly type: 'stop'; readonly graceMs: number };

/** Messages from the worker thread to the server. */
export type FromWorkerThread =
  | { readonly type: 'started' }
  | { readonly type: 'stopped' }
  | { readonly type: 'stop-failed'; readonly message: string };

/*
 * The worker thread of `portage serve`: the same workers `portage worker`
 * runs (the embedded queue on SQLite state, pg-boss on PostgreSQL) and the
 * imports the API accepted, on their own runtime — their own connections to
 * the state and to the platform, their own heap — so that reading, encoding,
 * compressing and hashing an export, or reading and writing an import, never
 * hold up the thread that answers HTTP, and their garbage stays in a heap of
 * its own. Everything an export or an import changes (progress, failure,
 * completion, cancellation) goes through the state database, as between
 * `portage serve --no-worker` and `portage worker`.
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
const imports = new ImportRunner(runtime);
try {
  await imports.start();
  await queue.start();
} catch (error) {
  await imports.drain();
  await queue.close().catch(() => undefined);
  await runtime.close();
  throw error;
}

port.on('message', (message: ToWorkerThread) => {
  if (message.type === 'announce') {
    void queue.announce(message.exportId);
    return;
  }
  if (message.type === 'import') {
    imports.submit(message.record);
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
    // Running imports finish (each is one transaction); running exports get `graceMs`.
    await Promise.all([imports.drain(), queue.stop(graceMs)]);
    await queue.close();
  } finally {
    await runtime.close();
  }
}
