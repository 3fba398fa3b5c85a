import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogDocument } from '../../docs/index.js';
import { PortageError, toError } from '../../errors/index.js';
import {
  message,
  PORTAL_HEADERS,
  PORTAL_MESSAGES,
  portalAsset,
  renderErrorPage,
  renderPortalPage,
  type PortalMessageKey,
} from '../../portal/index.js';
import { readTenantAccount } from '../../sources/index.js';
import { PUBLIC } from '../openapi-conventions.js';
import type { ApiContext } from '../api-context.js';
import { handleError } from '../problem.js';
import { problems } from '../schemas.js';
import { authenticatePortal, portalSessionOf, prefersHtml } from './portal-session.js';

const cookieSecurity = [{ portalSession: [] }];

/**
 * Every answer under `/portal` carries the page's strict policy; an error
 * answers a readable page when the browser prefers HTML, else the usual
 * problem, with the same status and `code`. Applies to the routes declared
 * after it.
 */
export function portalScope(app: FastifyInstance, doc: CatalogDocument): void {
  const errorHandler = (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    if (!(error instanceof PortageError) || !prefersHtml(request.headers.accept)) {
      handleError(error, request, reply);
      return;
    }
    const key = `error_${error.code}`;
    const text =
      key in PORTAL_MESSAGES
        ? message(key as PortalMessageKey)
        : message('error_generic', { detail: error.message });
    const status = error.status;
    void reply
      .code(status)
      .headers(error.options.headers ?? {})
      .type('text/html; charset=utf-8')
      .send(renderErrorPage(doc.platform.name, `${text} (${error.code})`, status));
  };
  const onSend = (
    _request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: null, payload: unknown) => void,
  ) => {
    reply.headers(PORTAL_HEADERS);
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (route.url !== '/portal' && !route.url.startsWith('/portal/')) return;
    route.errorHandler = errorHandler;
    const own = route.onSend === undefined ? [] : [route.onSend].flat();
    route.onSend = [onSend, ...own];
  });
}

/** `GET /portal` (the page, for a session's tenant) and `GET /portal/assets/{name}` (its script and style). */
export function portalPageRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  doc: CatalogDocument,
): void {
  app.get(
    '/portal',
    {
      onRequest: async (request) => {
        await authenticatePortal(ctx.store, request);
      },
      schema: {
        operationId: 'getPortalPage',
        summary: "The customer's page",
        description:
          'HTML, for the tenant of the session cookie. Without a valid session: 401 (a page when `Accept` prefers HTML).',
        tags: ['portal'],
        security: cookieSecurity,
        response: {
          200: {
            description: 'The page (text/html).',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
          ...problems(401, 403),
        },
      },
    },
    async (request, reply) => {
      const session = portalSessionOf(request);
      const account = await ctx.source
        .withSnapshot((snapshot) => readTenantAccount(snapshot, ctx.catalog, session.tenantId))
        .catch((error: unknown) => {
          request.log.error({ err: toError(error) }, 'reading the account for the portal');
          throw new PortageError('not_ready', 'The platform database cannot be read; retry soon.');
        });
      if (account === null)
        throw new PortageError(
          'tenant_not_found',
          `Tenant "${session.tenantId}" does not exist on the platform.`,
        );
      return reply.type('text/html; charset=utf-8').send(
        renderPortalPage({
          catalog: doc,
          accountName: account.displayName,
          returnUrl: session.returnUrl,
        }),
      );
    },
  );

  app.get(
    '/portal/assets/:name',
    {
      schema: {
        operationId: 'getPortalAsset',
        security: PUBLIC,
        summary: "The page's script and stylesheet",
        tags: ['portal'],
        params: Type.Object({ name: Type.String({ examples: ['portal.js'] }) }),
        response: {
          200: {
            description: '`portal.js` or `portal.css`.',
            content: {
              'text/javascript': { schema: { type: 'string' } },
              'text/css': { schema: { type: 'string' } },
            },
          },
          ...problems(404),
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const asset = portalAsset(name);
      if (asset === null)
        throw new PortageError('route_not_found', `The page has no file "${name}".`);
      return reply.type(asset.type).send(asset.body);
    },
  );
}
