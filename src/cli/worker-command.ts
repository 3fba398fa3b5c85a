import { existsSync } from 'node:fs';
import { isPostgresUrl, sqlitePath, type Settings } from '../config/index.js';
import { UsageError } from './usage-error.js';
import { newWorkerOwner, openExportQueue } from '../jobs/index.js';
import { MailSender } from '../mail/index.js';
import { exitOnSignal } from './graceful-shutdown.js';
import { logDestination, resolveLogFormat } from '../logging/index.js';
import { openRuntime } from '../runtime/runtime.js';
import { openWebhookSender } from '../runtime/webhook-sender.js';

/**
 * `portage worker`: runs workers only, no HTTP. With a `postgres://`
 * `PORTAGE_DATABASE_URL` it takes jobs from pg-boss, so any number of these
 * processes on any number of machines share the work; with SQLite it polls
 * the state file. On SIGTERM or SIGINT it drains — takes no new export, gives
 * running ones `PORTAGE_SHUTDOWN_GRACE_SECONDS` to finish, releases the rest
 * back to the queue — and exits 0.
 */
export async function runWorker(settings: Settings): Promise<void> {
  const { databaseUrl } = settings;
  // A worker never creates the state: an empty one would leave it waiting for
  // work that the API writes elsewhere.
  if (!isPostgresUrl(databaseUrl) && !existsSync(sqlitePath(databaseUrl))) {
    throw new UsageError(
      `PORTAGE_DATABASE_URL: no state database at ${sqlitePath(databaseUrl)}; point it at the one \`portage serve\` uses`,
    );
  }
  // As `portage serve`: log lines on standard output, lines for a person on standard error.
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runtime = await openRuntime(settings, log, {
    events: logDestination(resolveLogFormat(settings.logFormat)),
  });
  const queue = await openExportQueue(runtime, { work: true }).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  await queue.start();
  const webhooks = await openWebhookSender(runtime, { log });
  webhooks.start();
  const mail = new MailSender(runtime, { owner: newWorkerOwner() });
  mail.start();
  log(
    `Portage worker ${process.pid} is taking exports (${queue.kind} queue, ${settings.workerConcurrency} at once).`,
  );

  exitOnSignal('worker', log, async () => {
    await Promise.all([
      queue.stop(settings.shutdownGraceSeconds * 1000),
      webhooks.stop(),
      mail.stop(),
    ]);
    await queue.close();
    await runtime.close();
    log('Drained.');
  });
}
