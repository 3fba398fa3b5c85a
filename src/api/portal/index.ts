import type { FastifyInstance } from 'fastify';
import { buildCatalogDocument } from '../../docs/index.js';
import type { ApiContext } from '../api-context.js';
import { portalApiRoutes } from './api-routes.js';
import { portalPageRoutes, portalScope } from './page-routes.js';
import { portalSessionRoutes } from './session-routes.js';

/**
 * The customer's page: `POST /v1/portal-sessions` for the platform, and
 * under `/portal` the link, the page, its files and its JSON calls.
 */
export async function portalRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const doc = buildCatalogDocument(ctx.catalog, ctx.settings);
  const csrfSecret = await ctx.store.tenants.secret('portal-csrf');
  portalScope(app, doc);
  portalSessionRoutes(app, ctx);
  portalPageRoutes(app, ctx, doc);
  portalApiRoutes(app, ctx, doc, csrfSecret);
}
