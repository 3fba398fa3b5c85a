import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { expireIfDue } from '../../jobs/index.js';
import type { ExportRecord } from '../../store/index.js';
import type { ApiContext } from '../api-context.js';
import { linksFor } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { createExport } from '../create-export.js';
import { exportView } from '../export-view.js';
import { CreateExportBody, ExportList, problems } from '../schemas.js';

const IdParams = Type.Object({ id: Type.String() });
const security = [{ bearer: [] }];

/** `POST/GET/DELETE /v1/exports…`: creating, reading, listing and canceling exports. */
export function exportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { store } = ctx;
  const auth = requireTenant(store);

  const find = async (tenant: string, id: string): Promise<ExportRecord> => {
    const record = await store.exports.get(tenant, id);
    if (record === null)
      throw new PortageError('not_found', `No export "${id}" exists for this API key's tenant.`);
    return expireIfDue(ctx, record);
  };

  app.post(
    '/v1/exports',
    {
      onRequest: auth,
      preValidation: requireJsonBody,
      schema: {
        summary: 'Create an export',
        description:
          'Always asynchronous: answers 202 with the pending export; poll `Location`. Honors `Idempotency-Key` for 24 hours.',
        tags: ['exports'],
        security,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        }),
        body: CreateExportBody,
        response: {
          202: { description: 'The export, pending.', ...Type.Ref('Export') },
          ...problems(400, 401, 403, 415, 422, 429),
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
        summary: 'List exports, newest first',
        tags: ['exports'],
        security,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(
              Type.String({ description: '`next_cursor` of the previous page.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ExportList, ...problems(401, 422) },
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
        summary: 'Get an export',
        tags: ['exports'],
        security,
        params: IdParams,
        response: { 200: Type.Ref('Export'), ...problems(401, 404) },
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
        summary: 'Cancel an export, or delete its archive early',
        description:
          'A pending or running export becomes `failed` with `error.code` = `canceled` (it still counts against the quota); a completed one has its archive deleted and becomes `expired`. Failed and expired exports are answered unchanged.',
        tags: ['exports'],
        security,
        params: IdParams,
        response: { 200: Type.Ref('Export'), ...problems(401, 404) },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { id } = request.params as { id: string };
      const result = await store.lifecycle.cancelOrExpire(tenant, id);
      if (result === null)
        throw new PortageError('not_found', `No export "${id}" exists for this API key's tenant.`);
      if (result.deleteKey !== null) await ctx.storage.delete(result.deleteKey);
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
