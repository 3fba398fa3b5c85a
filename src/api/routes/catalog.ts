import type { FastifyInstance } from 'fastify';
import { buildCatalogDocument, renderExportDocsHtml } from '../../docs/index.js';
import type { ApiContext } from '../api-context.js';
import { PUBLIC } from '../openapi-conventions.js';

/** `GET /v1/catalog` and `GET /docs/export`: what exports contain, derived from the catalog (public). */
export function catalogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const doc = buildCatalogDocument(ctx.catalog, ctx.settings);
  // Rendered at the first request for the page, not at start.
  let html: string | undefined;
  app.get(
    '/v1/catalog',
    {
      schema: {
        operationId: 'getCatalog',
        summary: 'Every category of data and whether exports include it, with every field',
        description:
          'Public. Derived from the catalog: categories included or excluded and why, fields, formats, rate limits, the CSV dialect, the archive layout and how to verify an archive.',
        tags: ['catalog'],
        security: PUBLIC,
        response: {
          200: {
            description: 'The catalog document (the JSON of `docs/export.md`).',
            content: {
              'application/json': { schema: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
    () => doc,
  );
  app.get(
    '/docs/export',
    {
      schema: {
        operationId: 'getExportDocs',
        summary: 'The export documentation as a readable page',
        tags: ['catalog'],
        security: PUBLIC,
        produces: ['text/html'],
        response: {
          200: {
            description: 'An HTML page.',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
        },
      },
    },
    (_request, reply) =>
      reply.type('text/html; charset=utf-8').send((html ??= renderExportDocsHtml(doc))),
  );
}
