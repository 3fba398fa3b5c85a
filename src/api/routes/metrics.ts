import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PortageError } from '../../errors/index.js';
import type { ApiContext } from '../api-context.js';
import { registerJobMetrics } from '../job-metrics.js';
import { problems } from '../schemas.js';
import { registerWebhookMetrics } from '../webhook-metrics.js';

/**
 * `GET /metrics`: Prometheus metrics — this process's HTTP requests and
 * resources, and the exports and imports of every process (by status, their
 * durations, rows, bytes, failures by code and queue depth; see
 * {@link registerJobMetrics}), read from the shared database at each scrape. They span every tenant, so they need
 * the operator's `PORTAGE_METRICS_TOKEN`; without one set, nobody reads them.
 */
export function metricsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portage_' });
  const requests = new Counter({
    name: 'portage_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'portage_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'portage_exports',
    help: 'Exports by status, across every process.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await ctx.store.exports.countByStatus())) {
        this.set({ status }, n);
      }
    },
  });
  new Gauge({
    name: 'portage_imports',
    help: 'Imports by status, across every process.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await ctx.store.imports.countByStatus())) {
        this.set({ status }, n);
      }
    },
  });
  registerWebhookMetrics(registry, ctx.store);

  registerJobMetrics(registry, ctx.store);

  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, so that ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  const token = ctx.settings.metricsToken;
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        description:
          'Needs `Authorization: Bearer <PORTAGE_METRICS_TOKEN>`; answers 401 while that setting is unset.',
        tags: ['operations'],
        security: [{ metricsToken: [] }],
        produces: ['text/plain'],
        response: {
          200: {
            description: 'The Prometheus text exposition format.',
            content: {
              'text/plain': {
                schema: {
                  type: 'string',
                  examples: [
                    'portage_exports{status="completed"} 12\nportage_exports{status="failed"} 1\n',
                  ],
                },
              },
            },
          },
          ...problems('unauthorized'),
        },
      },
    },
    async (request, reply) => {
      if (token === null) {
        throw new PortageError(
          'unauthorized',
          'Metrics are closed: this deployment sets no PORTAGE_METRICS_TOKEN.',
          { headers: { 'WWW-Authenticate': 'Bearer realm="portage-metrics"' } },
        );
      }
      if (!bearerMatches(request.headers.authorization, token)) {
        throw new PortageError(
          'unauthorized',
          'Send the metrics token as `Authorization: Bearer <token>`.',
          { headers: { 'WWW-Authenticate': 'Bearer realm="portage-metrics"' } },
        );
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}

/** Whether an `Authorization` header carries `token`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
