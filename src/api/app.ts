import type { Writable } from 'node:stream';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../errors/index.js';
import type { ApiContext } from './api-context.js';
import { answerClientError, answerFrameworkError } from './client-errors.js';
import { REQUEST_LOG_OPTIONS } from './log-redaction.js';
import { handleError, pathOf, sendProblem } from './problem.js';
import { portalRoutes } from './portal/index.js';
import { catalogRoutes } from './routes/catalog.js';
import { downloadRoutes } from './routes/download.js';
import { exportRoutes } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { importRoutes } from './routes/imports.js';
import { metricsRoutes } from './routes/metrics.js';
import { signingKeyRoutes } from './routes/signing-keys.js';
import { ExportObject, Problem } from './schemas.js';
import { validatorCompiler } from './validators.js';

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Log requests (Default: false; `portage serve` turns it on). */
  readonly logger?: boolean;
  /** Where log lines go, one JSON object each. (Default: standard output) */
  readonly logStream?: Writable;
}

/**
 * The HTTP API: every route, the problem-details error handler, and the
 * OpenAPI 3.1 description generated from the route schemas.
 */
export async function buildApp(
  ctx: ApiContext,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { http, trustProxy } = ctx.settings;
  const app = Fastify({
    logger:
      options.logger === true
        ? {
            level: 'info',
            ...REQUEST_LOG_OPTIONS,
            ...(options.logStream !== undefined && { stream: options.logStream }),
          }
        : false,
    bodyLimit: 64 * 1024,
    // Forwarded headers are believed only from the configured proxies.
    trustProxy: trustProxy.length > 0 ? [...trustProxy] : false,
    return503OnClosing: true,
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      // How often Node looks for requests past those timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(http.headersTimeoutMs / 2)),
    },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  app.server.maxConnections = http.maxConnections;
  // A text/plain body is never what an endpoint takes: it is refused with 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      'route_not_found',
      `No endpoint ${request.method} ${pathOf(request)}; see /docs.`,
    ),
  );
  app.addSchema(ExportObject);
  app.addSchema(Problem);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Portage export API',
        version: '1',
        description: `Exports of everything the platform holds about a customer, with proof of completeness.\n\nError codes: ${Object.keys(
          ERROR_CODES,
        )
          .map((c) => `\`${c}\``)
          .join(', ')}.`,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A tenant API key.' },
          portalSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'portage_portal',
            description:
              "The customer's page session, started by opening a link from `POST /v1/portal-sessions`.",
          },
          metrics: {
            type: 'http',
            scheme: 'bearer',
            description: 'The operator token of `PORTAGE_METRICS_TOKEN`.',
          },
        },
      },
      tags: [
        { name: 'exports', description: 'Create, follow and download exports.' },
        { name: 'imports', description: 'Import a bundle archive back, exactly.' },
        { name: 'catalog', description: 'What exports contain, and what they never contain.' },
        {
          name: 'portal',
          description:
            "The customer's page: a one-time link from the platform's backend, then a cookie session on `/portal`.",
        },
        { name: 'operations', description: 'Health and readiness.' },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  metricsRoutes(app, ctx);
  healthRoutes(app, ctx);
  catalogRoutes(app, ctx);
  exportRoutes(app, ctx);
  downloadRoutes(app, ctx);
  importRoutes(app, ctx);
  signingKeyRoutes(app, ctx.keyring);
  await portalRoutes(app, ctx);
  return app;
}
