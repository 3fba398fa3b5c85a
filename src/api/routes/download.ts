import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { expireIfDue } from '../../jobs/index.js';
import type { ExportRecord } from '../../store/index.js';
import { verifyDownload } from '../../storage/index.js';
import type { ApiContext } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { parseRange } from '../byte-range.js';
import { downloadPath, linkExpiry } from '../export-view.js';
import { BEARER_AUTH } from '../openapi-conventions.js';
import { CONTENT_RANGE, DOWNLOAD } from '../openapi-headers.js';
import { EXAMPLE_EXPORT_ID, problems } from '../schemas.js';

const ARCHIVE = { 'application/zip': { schema: { type: 'string', contentEncoding: 'binary' } } };

/**
 * `GET /v1/exports/{id}/download`: with the signed link from `download_url`
 * (no credentials needed) or with the API key. Object storage that can mint
 * its own links answers `302`; the file store streams, with `Range` support.
 */
export function downloadRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const auth = requireTenant(ctx);
  app.get(
    '/v1/exports/:id/download',
    {
      // A signed link needs no key; without one, the key is checked first.
      onRequest: async (request, reply) => {
        if (!isSignedLink(request)) await auth.call(app, request, reply);
      },
      schema: {
        operationId: 'downloadExport',
        summary: 'Download a completed export',
        description:
          'Authorised either by the `expires` and `signature` of `download_url` (no key needed), or by the API key. Object storage that mints its own links answers `302` to it; the file store streams the archive, with `Range` support.',
        tags: ['exports'],
        security: [...BEARER_AUTH, {}],
        params: Type.Object({
          id: Type.String({ description: 'The export id.', examples: [EXAMPLE_EXPORT_ID] }),
        }),
        querystring: Type.Object({
          expires: Type.Optional(
            Type.String({
              description: 'From `download_url`: when the link expires (Unix seconds).',
              examples: ['1764615603'],
            }),
          ),
          signature: Type.Optional(
            Type.String({
              description: 'From `download_url`: its HMAC signature.',
              examples: ['Xq3v0Jm6y2b8Lr1TzW4nKc7pQe9sHd5aFg0uYi2oBtM'],
            }),
          ),
        }),
        response: {
          200: {
            description: 'The whole archive.',
            headers: {
              ...DOWNLOAD,
              'Repr-Digest': {
                type: 'string',
                description: 'The SHA-256 of the archive (RFC 9530).',
                examples: ['sha-256=:A3hUo/4lJiOBrnzFznJfKBtBjX0PcUt2G3y2G+wS/sU=:'],
              },
            },
            content: ARCHIVE,
          },
          206: {
            description: 'The bytes of the archive that `Range` asked for.',
            headers: { ...DOWNLOAD, 'Content-Range': CONTENT_RANGE },
            content: ARCHIVE,
          },
          302: {
            description: 'Redirect to a presigned object-storage URL.',
            headers: {
              Location: {
                type: 'string',
                format: 'uri',
                description: 'The presigned URL, valid until `download_url_expires_at`.',
                examples: [
                  'https://s3.eu-west-1.amazonaws.com/portage-exports/exports/acme-corp/acme-corp-migration-20261130-exp_3m9q2wz7k4hx8v1c6t5rn0bd.zip?X-Amz-Signature=4f1c2e',
                ],
              },
            },
          },
          ...problems(
            'unauthorized',
            'tenant_not_found',
            'identity_provider_unavailable',
            'download_link_invalid',
            'download_link_expired',
            'not_found',
            'export_not_ready',
            'export_expired',
            'range_not_satisfiable',
          ),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const record = await authorise(ctx, request, id);
      if (record.status === 'expired') {
        throw new PortageError(
          'export_expired',
          `Export "${id}" has expired; its archive was deleted.`,
        );
      }
      if (record.status !== 'completed' || record.storageKey === null || record.file === null) {
        throw new PortageError(
          'export_not_ready',
          `Export "${id}" is ${record.status}; it can be downloaded once completed.`,
        );
      }
      const now = new Date();
      const until = linkExpiry(record, ctx.settings.downloadTtlSeconds, now).getTime();
      const expiresIn = Math.max(1, Math.round((until - now.getTime()) / 1000));
      const direct = await ctx.storage.presignGet(record.storageKey, {
        expiresInSeconds: expiresIn,
        fileName: record.file.name,
      });
      if (direct !== null) return reply.redirect(direct, 302);
      return stream(ctx, request, reply, record.storageKey, record.file);
    },
  );
}

function isSignedLink(request: FastifyRequest): boolean {
  const query = request.query as { expires?: unknown; signature?: unknown };
  return query.signature !== undefined || query.expires !== undefined;
}

async function authorise(
  ctx: ApiContext,
  request: FastifyRequest,
  id: string,
): Promise<ExportRecord> {
  const query = request.query as { expires?: string; signature?: string };
  let record: ExportRecord | null;
  if (isSignedLink(request)) {
    const verdict = verifyDownload({
      path: downloadPath(id),
      expires: query.expires,
      signature: query.signature,
      secret: ctx.downloadSecret,
    });
    if (verdict === 'invalid')
      throw new PortageError(
        'download_link_invalid',
        'This download link is not valid; ask the API for a fresh `download_url`.',
      );
    if (verdict === 'expired')
      throw new PortageError(
        'download_link_expired',
        'This download link has expired; ask the API for a fresh `download_url`.',
      );
    record = await ctx.store.exports.getById(id);
  } else {
    record = await ctx.store.exports.get(tenantOf(request), id);
  }
  if (record === null)
    throw new PortageError('not_found', `No export "${id}" exists for this API key's tenant.`);
  return expireIfDue(ctx, record);
}

async function stream(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  file: { name: string; bytes: number; sha256: string },
): Promise<FastifyReply> {
  reply
    .header('Accept-Ranges', 'bytes')
    .header('Content-Type', 'application/zip')
    .header('Content-Disposition', `attachment; filename="${file.name}"`)
    .header('ETag', `"${file.sha256}"`)
    .header('Cache-Control', 'private, no-store');
  const range = parseRange(request.headers.range, file.bytes);
  if (range.kind === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${file.bytes}`);
    throw new PortageError(
      'range_not_satisfiable',
      `The archive has ${file.bytes} bytes; the requested range is outside it.`,
    );
  }
  if (range.kind === 'partial') {
    const body = await ctx.storage.read(key, { start: range.start, end: range.end });
    return reply
      .code(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${file.bytes}`)
      .header('Content-Length', String(range.end - range.start + 1))
      .send(body);
  }
  const body = await ctx.storage.read(key);
  return reply
    .code(200)
    .header('Content-Length', String(file.bytes))
    .header('Repr-Digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
    .send(body);
}
