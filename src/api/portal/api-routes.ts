import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogDocument } from '../../docs/index.js';
import { PortageError } from '../../errors/index.js';
import { expireIfDue } from '../../jobs/index.js';
import {
  clearedCookie,
  CSRF_HEADER,
  csrfProblem,
  csrfToken,
  PORTAL_MESSAGES,
} from '../../portal/index.js';
import { acceptImport } from '../accept-import.js';
import type { ApiContext } from '../api-context.js';
import { linksFor } from '../api-context.js';
import { createExport } from '../create-export.js';
import { exportView } from '../export-view.js';
import { importView } from '../import-view.js';
import { CreateExportBody, problems } from '../schemas.js';
import { authenticatePortal, portalSessionOf } from './portal-session.js';

const security = [{ portalSession: [] }];
const IdParams = Type.Object({ id: Type.String() });
const csrfHeader = {
  [CSRF_HEADER]: Type.String({
    description: 'The `csrf_token` of `GET /portal/api/session`.',
    examples: ['b3JjaGFyZC1ibHVlLWZpc2gtY2FrZQ'],
  }),
};

/**
 * The page's own JSON calls, authorised by the session cookie. Every call
 * that changes something also needs Portage's own `Origin` and the session's
 * CSRF token in `X-Portage-CSRF`, so that no other site can make it.
 */
export function portalApiRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  doc: CatalogDocument,
  csrfSecret: Buffer,
): void {
  const session = async (request: FastifyRequest) => {
    await authenticatePortal(ctx.store, request);
  };
  const sameOrigin = async (request: FastifyRequest) => {
    await authenticatePortal(ctx.store, request);
    const expected = new URL(linksFor(ctx, request).baseUrl).origin;
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const problem = csrfProblem(
      { token: header(CSRF_HEADER), origin: header('origin'), fetchSite: header('sec-fetch-site') },
      expected,
      csrfToken(csrfSecret, portalSessionOf(request).tokenHash),
    );
    if (problem !== null) throw new PortageError('csrf_rejected', problem);
  };
  const tenantOf = (request: FastifyRequest) => portalSessionOf(request).tenantId;

  app.get(
    '/portal/api/session',
    {
      onRequest: session,
      schema: {
        operationId: 'getPortalSession',
        summary: 'What the page needs: the session, its CSRF token, the texts, the purposes',
        tags: ['portal'],
        security,
        response: {
          200: Type.Object(
            {
              tenant: Type.String({ examples: ['acme'] }),
              platform: Type.String({ examples: ['Acme Tasks'] }),
              return_url: Type.Union([Type.String({ format: 'uri' }), Type.Null()]),
              expires_at: Type.String({ format: 'date-time' }),
              csrf_token: Type.String({ description: 'Send as `X-Portage-CSRF` on every change.' }),
              purposes: Type.Array(Type.Unknown()),
              messages: Type.Record(Type.String(), Type.Unknown()),
            },
            { description: 'The session and what the page shows.' },
          ),
          ...problems(401),
        },
      },
    },
    (request) => {
      const current = portalSessionOf(request);
      return {
        tenant: current.tenantId,
        platform: doc.platform.name,
        return_url: current.returnUrl,
        expires_at: current.expiresAt,
        csrf_token: csrfToken(csrfSecret, current.tokenHash),
        purposes: doc.purposes,
        messages: PORTAL_MESSAGES,
      };
    },
  );

  app.get(
    '/portal/api/exports',
    {
      onRequest: session,
      schema: {
        operationId: 'listPortalExports',
        summary: "The session tenant's 20 newest exports",
        tags: ['portal'],
        security,
        response: {
          200: Type.Object(
            { data: Type.Array(Type.Ref('Export')) },
            { description: "The session tenant's 20 newest exports." },
          ),
          ...problems(401),
        },
      },
    },
    async (request) => {
      const page = await ctx.store.exports.list(tenantOf(request), 20, null);
      const links = linksFor(ctx, request);
      const data = [];
      for (const record of page.exports)
        data.push(await exportView(await expireIfDue(ctx, record), links));
      return { data };
    },
  );

  app.post(
    '/portal/api/exports',
    {
      onRequest: sameOrigin,
      schema: {
        operationId: 'createPortalExport',
        summary: 'Ask for an export from the page',
        description: 'As `POST /v1/exports`, for the session tenant.',
        tags: ['portal'],
        security,
        headers: Type.Object(csrfHeader),
        body: CreateExportBody,
        response: {
          202: Type.Ref('Export'),
          ...problems(400, 401, 403, 415, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const links = linksFor(ctx, request);
      const result = await createExport(
        ctx,
        tenantOf(request),
        request.body as CreateExportBody,
        null,
        links.baseUrl,
      );
      return reply
        .code(202)
        .headers(result.headers)
        .send(await exportView(result.export, links));
    },
  );

  app.get(
    '/portal/api/exports/:id',
    {
      onRequest: session,
      schema: {
        operationId: 'getPortalExport',
        summary: 'One export of the session tenant (polled for progress)',
        tags: ['portal'],
        security,
        params: IdParams,
        response: { 200: Type.Ref('Export'), ...problems(401, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const record = await ctx.store.exports.get(tenantOf(request), id);
      if (record === null)
        throw new PortageError('not_found', `No export "${id}" exists for this account.`);
      return exportView(await expireIfDue(ctx, record), linksFor(ctx, request));
    },
  );

  app.post(
    '/portal/api/imports',
    {
      onRequest: sameOrigin,
      schema: {
        operationId: 'createPortalImport',
        summary: 'Upload a bundle from the page',
        description: 'As `POST /v1/imports`, for the session tenant.',
        tags: ['portal'],
        security,
        headers: Type.Object(csrfHeader),
        querystring: Type.Object(
          {
            mode: Type.Optional(Type.String({ enum: ['preserve', 'remap'], default: 'preserve' })),
            dry_run: Type.Optional(Type.Boolean({ default: false })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Ref('Import'), ...problems(401, 403, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/zip')
        throw new PortageError(
          'unsupported_media_type',
          'Send the bundle archive as application/zip.',
        );
      const query = request.query as { mode?: 'preserve' | 'remap'; dry_run?: boolean };
      const { record, headers } = await acceptImport(
        ctx,
        tenantOf(request),
        request.body as Readable,
        { mode: query.mode ?? 'preserve', dryRun: query.dry_run ?? false },
      );
      return reply.code(202).headers(headers).send(importView(record));
    },
  );

  app.get(
    '/portal/api/imports/:id',
    {
      onRequest: session,
      schema: {
        operationId: 'getPortalImport',
        summary: 'One import of the session tenant (polled for its result)',
        tags: ['portal'],
        security,
        params: IdParams,
        response: { 200: Type.Ref('Import'), ...problems(401, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const record = await ctx.store.imports.get(tenantOf(request), id);
      if (record === null)
        throw new PortageError('not_found', `No import "${id}" exists for this account.`);
      return importView(record);
    },
  );

  app.post(
    '/portal/api/sign-out',
    {
      onRequest: sameOrigin,
      schema: {
        operationId: 'endPortalSession',
        summary: 'End the session at once',
        tags: ['portal'],
        security,
        headers: Type.Object(csrfHeader),
        response: { 204: { description: 'Ended; the cookie is removed.' }, ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      await ctx.store.portal.endSession(portalSessionOf(request).tokenHash);
      return reply
        .code(204)
        .header('Set-Cookie', clearedCookie(linksFor(ctx, request).baseUrl))
        .send();
    },
  );
}
