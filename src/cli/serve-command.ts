import { buildApp } from '../api/index.js';
import type { Settings } from '../config/index.js';
import { DEMO_TENANTS } from '../demo/index.js';
import { LocalDispatcher, Worker } from '../jobs/index.js';
import { openRuntime } from '../runtime/runtime.js';

/** Options of `portage serve`. */
export interface ServeOptions {
  /** Run the in-process workers. (Default: true) */
  readonly worker: boolean;
}

/**
 * Serves the API (and, by default, the workers) until SIGTERM or SIGINT, then
 * drains: stops taking requests and work, finishes or releases running exports.
 */
export async function serve(settings: Settings, options: ServeOptions): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const runtime = await openRuntime(settings, log);
  const dispatcher = new LocalDispatcher();
  const downloadSecret = await runtime.store.tenants.secret('download-url');
  const app = await buildApp({ ...runtime, dispatcher, downloadSecret }, { logger: true });
  const worker = options.worker ? new Worker(runtime, dispatcher) : null;
  worker?.start();
  const address = await app.listen({ port: settings.port, host: settings.host });

  if (settings.demo) {
    const base = settings.publicUrl ?? `http://localhost:${new URL(address).port}`;
    log('');
    log(`Portage is serving the demo platform "Acme Tasks" at ${base}`);
    log('API keys (new ones at every start; earlier keys stay valid):');
    let first = '';
    for (const tenant of DEMO_TENANTS) {
      const key = await runtime.store.tenants.createKey(tenant.id);
      if (first === '') first = key;
      log(`  ${tenant.id.padEnd(8)} ${key}`);
    }
    log('');
    log('Try:');
    log(
      `  curl -s -X POST ${base}/v1/exports -H "Authorization: Bearer ${first}" -H "Content-Type: application/json" -d '{"purpose":"migration"}'`,
    );
    log(`API reference: ${base}/docs`);
    log('');
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: draining …`);
    void (async () => {
      await app.close();
      await worker?.stop();
      await runtime.close();
      process.exit(0);
    })();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
