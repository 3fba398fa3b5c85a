import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { expireIfDue, logExportState } from '../../jobs/index.js';
import type { ExportRecord } from '../../store/index.js';
import type { ApiContext } from '../api-context.js';
import { linksFor } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { createExport } from '../create-export.js';
import { exportView } from '../export-view.js';
import { BEARER_AUTH } from '../openapi-conventions.js';
import {
  IDEMPOTENT_REPLAYED,
  LOCATION,
  RATE_LIMIT,
  RATE_LIMIT_POLICY,
} from '../openapi-headers.js';
import { CreateExportBody, EXAMPLE_EXPORT_ID, ExportList, problems } from '../schemas.js';

/** The `{id}` of an export's paths. */
export const IdParams = Type.Object({
  id: Type.String({ description: 'The export id.', examples: [EXAMPLE_EXPORT_ID] }),
});

/** The tenant's export `id`, expired if its time has come; `not_found` when the tenant has none. */
export async function findExport(
  ctx: ApiContext,
  tenant: string,
  id: string,
): Promise<ExportRecord> {
  const record = await ctx.store.exports.get(tenant, id);
  if (record === null)
    throw new PortageError('not_found', `No export "${id}" exists for this API key's tenant.`);
  return expireIfDue(ctx, record);
}
const security = BEARER_AUTH;

/** `POST/GET/DELETE /v1/exports…`: creating, reading, listing and canceling exports. */
export function exportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { store } = ctx;
  const auth = requireTenant(ctx);

  const find = (tenant: string, id: string): Promise<ExportRecord> => findExport(ctx, tenant, id);

  app.post(
    '/v1/exports',
    {
      onRequest: auth,
      preValidation: requireJsonBody,
      schema: {
        operationId: 'createExport',
        summary: 'Create an export',
        description:
          'Always asynchronous: answers 202 with the pending export; poll `Location`. Honors `Idempotency-Key` for 24 hours.',
        tags: ['exports'],
        security,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 255,
              description:
                'Any unique string (a UUID): the same key and body within 24 hours answer the same export and spend no quota; the same key with another body answers 422.',
              examples: ['5f0c6a8e-2b1d-4e9a-9c3f-7d2e1b4a6c80'],
            }),
          ),
        }),
        body: CreateExportBody,
        response: {
          202: {
            description:
              'The export, pending (or, for a replayed `Idempotency-Key`, as it is now).',
            headers: {
              Location: LOCATION('/v1/exports/{id}', `/v1/exports/${EXAMPLE_EXPORT_ID}`),
              'Idempotent-Replayed': IDEMPOTENT_REPLAYED,
              'RateLimit-Policy': RATE_LIMIT_POLICY,
              RateLimit: RATE_LIMIT,
            },
            ...Type.Ref('Export'),
          },
          ...problems(
            'malformed_json',
            'bad_request',
            'unauthorized',
            'tenant_not_found',
            'payload_too_large',
            'unsupported_media_type',
            'validation_failed',
            'idempotency_key_reused',
            'rate_limited',
          ),
        },
      },
    },
    async (request, reply) => {
      const links = linksFor(ctx, request);
      const key = request.headers['idempotency-key'];
      const result = await createExport(
        ctx,
        tenantOf(request),
        request.body as CreateExportBody,
        typeof key === 'string' ? key : null,
        links.baseUrl,
      );
      return reply
        .code(202)
        .headers(result.headers)
        .header('Location', `/v1/exports/${result.export.id}`)
        .send(await exportView(result.export, links));
    },
  );

  app.get(
    '/v1/exports',
    {
      onRequest: auth,
      schema: {
        operationId: 'listExports',
        summary: 'List exports, newest first',
        tags: ['exports'],
        security,
        querystring: Type.Object(
          {
            limit: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: 100,
                default: 20,
                description: 'How many exports per page.',
              }),
            ),
            cursor: Type.Optional(
              Type.String({ description: '`next_cursor` of the previous page.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: { description: 'A page of exports, newest first.', ...ExportList },
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'validation_failed',
          ),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const query = request.query as { limit?: number; cursor?: string };
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      const page = await store.exports.list(tenant, query.limit ?? 20, after);
      const last = page.exports.at(-1);
      const links = linksFor(ctx, request);
      const data = [];
      for (const record of page.exports)
        data.push(await exportView(await expireIfDue(ctx, record), links));
      return { data, next_cursor: page.more && last ? encodeCursor(last) : null };
    },
  );

  app.get(
    '/v1/exports/:id',
    {
      onRequest: auth,
      schema: {
        operationId: 'getExport',
        summary: 'Get an export',
        tags: ['exports'],
        security,
        params: IdParams,
        response: {
          200: { description: 'The export.', ...Type.Ref('Export') },
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'not_found',
          ),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { id } = request.params as { id: string };
      return exportView(await find(tenant, id), linksFor(ctx, request));
    },
  );

  app.delete(
    '/v1/exports/:id',
    {
      onRequest: auth,
      schema: {
        operationId: 'deleteExport',
        summary: 'Cancel an export, or delete its archive early',
        description:
          'A pending or running export becomes `failed` with `error.code` = `canceled` (it still counts against the quota); a completed one has its archive deleted and becomes `expired`. Failed and expired exports are answered unchanged.',
        tags: ['exports'],
        security,
        params: IdParams,
        response: {
          200: { description: 'The export, canceled or expired.', ...Type.Ref('Export') },
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'not_found',
          ),
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { id } = request.params as { id: string };
      const result = await store.lifecycle.cancelOrExpire(tenant, id);
      if (result === null)
        throw new PortageError('not_found', `No export "${id}" exists for this API key's tenant.`);
      if (result.deleteKey !== null) await ctx.storage.delete(result.deleteKey);
      if (result.changed) await logExportState(ctx, id);
      return exportView(result.export, linksFor(ctx, request));
    },
  );
}

/** Refuses, with 415, a body sent as anything but JSON (a zip, a form, text). */
function requireJsonBody(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !(type?.endsWith('+json') ?? false)) {
    done(
      new PortageError(
        'unsupported_media_type',
        `Send the body as application/json (got ${type ?? 'no Content-Type'}).`,
      ),
    );
    return;
  }
  done();
}

function encodeCursor(record: ExportRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return { createdAt: value[0] as string, id: value[1] as string };
    }
  } catch {
    // falls through to the problem below
  }
  throw new PortageError('validation_failed', 'The cursor is not one this API gave out.', {
    errors: [{ pointer: '/query/cursor', detail: 'must be the `next_cursor` of a previous page' }],
  });
}
