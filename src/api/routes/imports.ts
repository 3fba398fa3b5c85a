import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { acceptImport } from '../accept-import.js';
import type { ApiContext } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { ImportObject, importView } from '../import-view.js';
import { problems } from '../schemas.js';

const security = [{ bearer: [] }];

/** `POST /v1/imports` and `GET /v1/imports/{id}`: round-trip imports of bundle archives. */
export function importRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const auth = requireTenant(ctx.store);
  app.addSchema(ImportObject);
  app.addContentTypeParser('application/zip', (_request, payload, done) => done(null, payload));

  app.post(
    '/v1/imports',
    {
      onRequest: auth,
      schema: {
        summary: 'Import a bundle archive into your tenant',
        description:
          'The body is a `bundle` archive (`application/zip`, from a `duplication` export). Always asynchronous: answers 202 with the pending import; poll `Location`. All or nothing: a refused import writes nothing.',
        tags: ['imports'],
        security,
        querystring: Type.Object(
          {
            mode: Type.Optional(Type.String({ enum: ['preserve', 'remap'], default: 'preserve' })),
            dry_run: Type.Optional(
              Type.Boolean({ default: false, description: 'Check and report, write nothing.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Ref('Import'), ...problems(401, 403, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/zip') {
        throw new PortageError(
          'unsupported_media_type',
          'Send the bundle archive as application/zip.',
        );
      }
      const query = request.query as { mode?: 'preserve' | 'remap'; dry_run?: boolean };
      const { record, headers } = await acceptImport(ctx, tenant, request.body as Readable, {
        mode: query.mode ?? 'preserve',
        dryRun: query.dry_run ?? false,
      });
      return reply
        .code(202)
        .headers(headers)
        .header('Location', `/v1/imports/${record.id}`)
        .send(importView(record));
    },
  );

  app.get(
    '/v1/imports/:id',
    {
      onRequest: auth,
      schema: {
        summary: 'Get an import',
        tags: ['imports'],
        security,
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Ref('Import'), ...problems(401, 404) },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { id } = request.params as { id: string };
      const record = await ctx.store.imports.get(tenant, id);
      if (record === null)
        throw new PortageError('not_found', `No import "${id}" exists for this API key's tenant.`);
      return importView(record);
    },
  );
}
