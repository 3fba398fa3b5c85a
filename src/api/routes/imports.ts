import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { importView } from '../import-view.js';
import { acceptImport } from '../accept-import.js';
import type { ApiContext } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { BEARER_AUTH } from '../openapi-conventions.js';
import { LOCATION, RATE_LIMIT, RATE_LIMIT_POLICY } from '../openapi-headers.js';
import { Time, problems } from '../schemas.js';

const security = BEARER_AUTH;
const EXAMPLE_IMPORT_ID = 'imp_7c2x9k4m1q8z3w6t5v0b2n8h';

/** The import object (SPEC §11): every field always present, null where it does not apply. */
export const ImportObject = Type.Object(
  {
    id: Type.String({
      description: 'Unguessable id, `imp_` prefix.',
      examples: [EXAMPLE_IMPORT_ID],
    }),
    object: Type.Literal('import'),
    status: Type.String({
      enum: ['pending', 'running', 'completed', 'failed'],
      examples: ['completed'],
    }),
    mode: Type.String({ enum: ['preserve', 'remap'], examples: ['remap'] }),
    dry_run: Type.Boolean(),
    trusted: Type.Boolean({
      description:
        "Whether the bundle's origin is proven (signed by a trusted key). An untrusted bundle writes no platform-owned category or field.",
    }),
    created_at: Time('2026-11-30T19:05:00.000Z'),
    started_at: Type.Union([Time('2026-11-30T19:05:00.231Z'), Type.Null()]),
    completed_at: Type.Union([Time('2026-11-30T19:05:02.904Z'), Type.Null()]),
    counts: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()], {
      examples: [{ account: 1, contacts: 212, invoices: 48 }],
      description:
        'Rows written (or, in a dry run, that would be) per category; null unless the import completed.',
    }),
    conflicts: Type.Array(
      Type.Object({
        category: Type.String({ examples: ['contacts'] }),
        key: Type.Unknown({
          examples: [42],
          description: 'The primary key (an array for a key of several fields).',
        }),
      }),
      {
        description:
          'Keys your tenant already holds (the first of each category). Rows of other tenants are never named.',
      },
    ),
    error: Type.Union([
      Type.Object({
        code: Type.String({ examples: ['id_conflict'] }),
        message: Type.String({ examples: ['3 records of "contacts" already exist, first 42.'] }),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'Import' },
);

/** `POST /v1/imports` and `GET /v1/imports/{id}`: round-trip imports of bundle archives. */
export function importRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const auth = requireTenant(ctx);
  app.addSchema(ImportObject);
  app.addContentTypeParser('application/zip', (_request, payload, done) => done(null, payload));

  app.post(
    '/v1/imports',
    {
      onRequest: auth,
      schema: {
        operationId: 'createImport',
        summary: 'Import a bundle archive into your tenant',
        description:
          'The body is a `bundle` archive (`application/zip`, from a `duplication` export). Always asynchronous: answers 202 with the pending import; poll `Location`. All or nothing: a refused import writes nothing.',
        tags: ['imports'],
        security,
        querystring: Type.Object(
          {
            mode: Type.Optional(
              Type.String({
                enum: ['preserve', 'remap'],
                default: 'preserve',
                description:
                  '`preserve` keeps every key; `remap` gives new keys and rewrites every reference.',
              }),
            ),
            dry_run: Type.Optional(
              Type.Boolean({ default: false, description: 'Check and report, write nothing.' }),
            ),
          },
          { additionalProperties: false },
        ),
        streamedBody: {
          content: {
            'application/zip': {
              schema: {
                type: 'string',
                contentEncoding: 'binary',
                description: 'The archive of a `duplication` export.',
              },
            },
          },
        },
        response: {
          202: {
            description: 'The import, pending.',
            headers: {
              Location: LOCATION('/v1/imports/{id}', `/v1/imports/${EXAMPLE_IMPORT_ID}`),
              'RateLimit-Policy': RATE_LIMIT_POLICY,
              RateLimit: RATE_LIMIT,
            },
            ...Type.Ref('Import'),
          },
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',

            'payload_too_large',
            'unsupported_media_type',
            'validation_failed',
            'rate_limited',
          ),
        },
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
        operationId: 'getImport',
        summary: 'Get an import',
        tags: ['imports'],
        security,
        params: Type.Object({
          id: Type.String({ description: 'The import id.', examples: [EXAMPLE_IMPORT_ID] }),
        }),
        response: {
          200: { description: 'The import.', ...Type.Ref('Import') },
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
      const record = await ctx.store.imports.get(tenant, id);
      if (record === null)
        throw new PortageError('not_found', `No import "${id}" exists for this API key's tenant.`);
      return importView(record);
    },
  );
}
