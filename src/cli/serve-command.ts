import { join } from 'node:path';
import { buildApp } from '../api/index.js';
import type { Settings } from '../config/index.js';
import { DEMO_TENANTS } from '../demo/index.js';
import { ImportRunner, newWorkerOwner, openExportQueue } from '../jobs/index.js';
import { MailSender } from '../mail/index.js';
import { DEMO_KEYS_FILE, demoKeys } from './demo-keys.js';
import { exitOnSignal } from './graceful-shutdown.js';
import { logDestination, resolveLogFormat } from '../logging/index.js';
import { openRuntime } from '../runtime/runtime.js';
import { openWebhookSender } from '../runtime/webhook-sender.js';
import { WorkerThreadQueue } from '../runtime/worker-thread-queue.js';

/** Options of `portage serve`. */
export interface ServeOptions {
  /**
   * Run workers in this process too. Without them (`--no-worker`) the API is
   * stateless: with PostgreSQL state, `portage worker` processes run the
   * exports. (Default: true)
   */
  readonly worker: boolean;
}

/**
 * Serves the API (and, by default, the workers) until SIGTERM or SIGINT, then
 * drains: stops taking requests and work, finishes or releases running exports.
 */
export async function serve(settings: Settings, options: ServeOptions): Promise<void> {
  // Log lines go to standard output (JSON for a collector, readable lines on a
  // terminal); what a person starting Portage reads goes to standard error, so
  // the two never share a stream.
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const logFormat = resolveLogFormat(settings.logFormat);
  const logStream = logDestination(logFormat);
  const runtime = await openRuntime(settings, log, { events: logStream });
  // The workers run on a thread of their own; without them the API only announces.
  const queue = options.worker
    ? new WorkerThreadQueue({
        settings,
        logFormat,
        kind: runtime.store.dialect === 'postgres' ? 'pg-boss' : 'embedded',
        onFailure: (error) => {
          log(`portage serve: the workers' thread failed, stopping: ${error.message}`);
          process.exit(1);
        },
      })
    : await openExportQueue(runtime, { work: false }).catch(async (error: unknown) => {
        await runtime.close();
        throw error;
      });
  const downloadSecret = await runtime.store.tenants.secret('download-url');
  const importRunner = new ImportRunner(runtime);
  const app = await buildApp(
    { ...runtime, dispatcher: queue, downloadSecret, importRunner },
    { logger: true, logStream },
  );
  const webhooks = options.worker ? await openWebhookSender(runtime, { log }) : null;
  webhooks?.start();
  const mail = new MailSender(runtime, { owner: newWorkerOwner() });
  if (options.worker) mail.start();
  const address = await app.listen({ port: settings.port, host: settings.host });
  let threadStarted: Promise<void> | null = null;
  // Requests are taken from here on, and an import may already run: a signal
  // from now drains, the workers' thread once it has started.
  exitOnSignal('serve', log, async () => {
    await app.close();
    await importRunner.drain();
    await threadStarted?.catch(() => undefined);
    await Promise.all([
      queue.stop(settings.shutdownGraceSeconds * 1000),
      webhooks?.stop(),
      mail.stop(),
    ]);
    await queue.close();
    await runtime.close();
  });
  // The workers' thread loads its modules and opens its own runtime once the
  // API answers, so that the two do not share the cores at start; an export
  // announced before is handed to it as it starts.
  threadStarted = options.worker ? queue.start() : null;
  await importRunner.start();
  await threadStarted?.catch(async (error: unknown) => {
    await app.close();
    await runtime.close();
    throw error;
  });

  if (settings.demo) {
    const base = settings.publicUrl ?? `http://localhost:${new URL(address).port}`;
    log('');
    log(`Portage is serving the demo platform "Acme Tasks" at ${base}`);
    const keys = await demoKeys(runtime.store, settings.dataDir, DEMO_TENANTS);
    log(`API keys (the same at every start, kept in ${join(settings.dataDir, DEMO_KEYS_FILE)}):`);
    for (const tenant of DEMO_TENANTS) log(`  ${tenant.id.padEnd(8)} ${keys[tenant.id]}`);
    const first = keys[DEMO_TENANTS[0]!.id]!;
    log('');
    log('Try:');
    log(
      `  curl -s -X POST ${base}/v1/exports -H "Authorization: Bearer ${first}" -H "Content-Type: application/json" -d '{"purpose":"migration"}'`,
    );
    log(`API reference: ${base}/docs`);
    log('');
  }
}
