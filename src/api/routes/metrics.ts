import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiContext } from '../api-context.js';

/**
 * `GET /metrics`: Prometheus metrics — this process's HTTP requests and
 * resources, and the exports and imports of every process, counted by status
 * in the shared database at each scrape.
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

  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, so that ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['operations'] } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
