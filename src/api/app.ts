import type { Writable } from 'node:stream';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.js';
import {
  answerClientError,
  answerFrameworkError,
  answerRequestsNodeRefuses,
} from './client-errors.js';
import { REQUEST_LOG_OPTIONS } from './log-redaction.js';
import {
  documentCommonProblems,
  documentOptionalBodies,
  documentStreamedBodies,
} from './openapi-conventions.js';
import { openApiDocument } from './openapi-document.js';
import { handleError, pathOf, sendProblem } from './problem.js';
import { prefersHtml, sendHtmlProblem } from './html-problem.js';
import { REFERENCE_PAGE } from './reference-page.js';
import { portalRoutes } from './portal/index.js';
import { catalogRoutes } from './routes/catalog.js';
import { downloadRoutes } from './routes/download.js';
import { exportMailRoutes } from './routes/export-mail.js';
import { emailLinkRoutes } from './routes/email-link.js';
import { exportRoutes } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { importRoutes } from './routes/imports.js';
import { metricsRoutes } from './routes/metrics.js';
import { signingKeyRoutes } from './routes/signing-keys.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { ExportObject, Problem } from './schemas.js';
import { validatorCompiler } from './validators.js';
import { lazySerializers, lazyValidators } from './lazy-compilers.js';

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
      // Answered as a problem by answerRequestsNodeRefuses instead of Node's bare 400.
      requireHostHeader: false,
    },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  });
  app.server.maxConnections = http.maxConnections;
  answerRequestsNodeRefuses(app);
  // A text/plain body is never what an endpoint takes: it is refused with 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(lazyValidators(validatorCompiler()));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request);
    // The pages a person opens answer a person's way (SPEC 12.4).
    if (/^\/(?:portal|docs)(?:[/?]|$)/.test(path) && prefersHtml(request.headers.accept)) {
      return sendHtmlProblem(
        reply,
        'route_not_found',
        'Page not found',
        `There is no page at ${path}. The API reference is at /docs.`,
      );
    }
    return sendProblem(
      reply,
      'route_not_found',
      `No endpoint ${request.method} ${path}; see /docs.`,
    );
  });
  app.addSchema(ExportObject);
  app.addSchema(Problem);

  documentCommonProblems(app);
  await app.register(swagger, {
    openapi: openApiDocument(ctx.settings),
    transform: documentStreamedBodies,
    transformObject: documentOptionalBodies,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, REFERENCE_PAGE);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  metricsRoutes(app, ctx);
  healthRoutes(app, ctx);
  catalogRoutes(app, ctx);
  exportRoutes(app, ctx);
  downloadRoutes(app, ctx);
  emailLinkRoutes(app, ctx);
  exportMailRoutes(app, ctx);
  importRoutes(app, ctx);
  signingKeyRoutes(app, ctx.keyring);
  webhookEndpointRoutes(app, ctx);
  await portalRoutes(app, ctx);
  return app;
}
