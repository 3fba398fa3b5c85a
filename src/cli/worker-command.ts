import type { Settings } from '../config/index.js';
import { openExportQueue } from '../jobs/index.js';
import { exitOnSignal } from './graceful-shutdown.js';
import { openRuntime } from '../runtime/runtime.js';

/**
 * `portage worker`: runs workers only, no HTTP. With a `postgres://`
 * `PORTAGE_DATABASE_URL` it takes jobs from pg-boss, so any number of these
 * processes on any number of machines share the work; with SQLite it polls
 * the state file. On SIGTERM or SIGINT it drains — takes no new export, gives
 * running ones `PORTAGE_SHUTDOWN_GRACE_SECONDS` to finish, releases the rest
 * back to the queue — and exits 0.
 */
export async function runWorker(settings: Settings): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const runtime = await openRuntime(settings, log);
  const queue = await openExportQueue(runtime, { work: true }).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  await queue.start();
  log(
    `Portage worker ${process.pid} is taking exports (${queue.kind} queue, ${settings.workerConcurrency} at once).`,
  );

  exitOnSignal('worker', log, async () => {
    await queue.stop(settings.shutdownGraceSeconds * 1000);
    await queue.close();
    await runtime.close();
    log('Drained.');
  });
}
