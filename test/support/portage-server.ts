import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { buildApp } from '../../src/api/index.js';
import { loadSettings, type Settings } from '../../src/config/index.js';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { OpenApiValidator } from './openapi-validator.js';
import { DEFAULT_DEMO_PLATFORM, DEMO_TENANTS, type DemoPlatform } from '../../src/demo/index.js';
import { ImportRunner, LocalDispatcher, newWorkerOwner, Worker } from '../../src/jobs/index.js';
import { MailSender } from '../../src/mail/index.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';

/** A Portage server listening on a loopback port, over its own data directory. */
export interface TestServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly settings: Settings;
  readonly runtime: Runtime;
  /** One API key per tenant of the demo platform served. */
  readonly keys: Readonly<Record<string, string>>;
  /** Stops the server and its worker; removes the data directory unless `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

/** The folder of the demo platform generated once for the test run. */
function demoDir(): string {
  return inject('demoDir');
}

/** Starts Portage on the demo platform with `env` overriding settings; `worker: false` runs the API only. */
export async function startServer(
  env: Record<string, string> = {},
  options: {
    worker?: boolean;
    dataDir?: string;
    /** A platform of the test's own (imports write into it); default: the shared, read-only demo. */
    platform?: { sourceUrl: string; filesDir: string };
    /** The shared, read-only demo platform served, with its catalog. (Default: Acme Tasks) */
    demo?: DemoPlatform;
    /** Log requests and state changes as `portage serve` does, into this stream. */
    logStream?: Writable;
    /** The clock of the mail sender and the email link. (Default: the system's) */
    clock?: () => Date;
  } = {},
): Promise<TestServer> {
  const demo = demoDir();
  const platform = options.demo ?? DEFAULT_DEMO_PLATFORM;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'portage-test-')));
  const settings = loadSettings(
    {
      PORTAGE_DATA_DIR: dataDir,
      PORT: '0',
      PORTAGE_HOST: '127.0.0.1',
      PORTAGE_POLL_MS: '50',
      ...(options.demo && { PORTAGE_CATALOG: options.demo.catalogFile }),
      ...env,
    },
    dataDir,
  );
  // The demo platform is shared read-only by every server of the file.
  const shared = {
    ...settings,
    sourceUrl: options.platform?.sourceUrl ?? join(demo, platform.sqliteFile),
    filesDir: options.platform?.filesDir ?? join(demo, 'demo-files'),
  };
  const runtime = await openRuntime(shared, undefined, { events: options.logStream });
  const dispatcher = new LocalDispatcher();
  const downloadSecret = await runtime.store.tenants.secret('download-url');
  const importRunner = new ImportRunner(runtime);
  const app = await buildApp(
    { ...runtime, dispatcher, downloadSecret, importRunner, now: options.clock },
    options.logStream === undefined ? {} : { logger: true, logStream: options.logStream },
  );
  const answers = recordAnswers(app);
  const worker = options.worker === false ? null : new Worker(runtime, dispatcher);
  worker?.start();
  const mail =
    options.worker === false
      ? null
      : new MailSender(runtime, { owner: newWorkerOwner(), now: options.clock });
  mail?.start();
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const keys: Record<string, string> = {};
  const tenants = options.demo === undefined ? DEMO_TENANTS : options.demo.tenants;
  for (const tenant of tenants) {
    if ((await runtime.store.tenants.get(tenant.id)) === null)
      await runtime.store.tenants.upsert(tenant.id, tenant.name);
    keys[tenant.id] = await runtime.store.tenants.createKey(tenant.id);
  }
  return {
    baseUrl: address,
    dataDir,
    settings: shared,
    runtime,
    keys,
    async close({ keep = false } = {}) {
      const undescribed = await answers.undescribed(address);
      await app.close();
      await importRunner.drain();
      await worker?.stop(1000);
      await mail?.stop();
      await runtime.close();
      if (!keep && options.dataDir === undefined)
        await rm(dataDir, { recursive: true, force: true });
      if (undescribed.length > 0) {
        throw new Error(
          `the server gave answers its OpenAPI description does not allow:\n${undescribed.join('\n')}`,
        );
      }
    },
  };
}

/**
 * Records every answer the server gives, whichever way the test called it
 * (typed client, raw fetch, malformed requests), to check them all against
 * the description the server serves when it closes.
 */
function recordAnswers(app: FastifyInstance): { undescribed(baseUrl: string): Promise<string[]> } {
  const seen: {
    method: string;
    url: string;
    status: number;
    type: string | null;
    body: string | null;
  }[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const type = reply.getHeader('content-type');
    const contentType = typeof type === 'string' ? type : null;
    const json = contentType !== null && /json/.test(contentType);
    const body =
      json && (typeof payload === 'string' || Buffer.isBuffer(payload)) ? String(payload) : null;
    seen.push({
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      type: contentType,
      body,
    });
    return payload;
  });
  return {
    async undescribed(baseUrl) {
      const validator = await OpenApiValidator.of(baseUrl);
      const problems = new Set<string>();
      for (const answer of seen) {
        try {
          const body =
            answer.body === null || answer.body === ''
              ? undefined
              : (JSON.parse(answer.body) as unknown);
          validator.check(answer.method, answer.url, answer.status, answer.type, body);
        } catch (error) {
          problems.add((error as Error).message.split('\n')[0]!);
        }
      }
      return [...problems];
    },
  };
}

/**
 * A demo platform's SQLite file generated for this run (read-only), by default
 * Acme Tasks', which the servers of this module serve.
 */
export function demoDatabase(platform: DemoPlatform = DEFAULT_DEMO_PLATFORM): string {
  return join(demoDir(), platform.sqliteFile);
}

/** The files directory every demo platform generated for this run shares (read-only). */
export function demoFiles(): string {
  return join(demoDir(), 'demo-files');
}
