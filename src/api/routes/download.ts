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
import { problems } from '../schemas.js';

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
        summary: 'Download a completed export',
        description:
          'Authorised either by the `expires` and `signature` of `download_url`, or by the API key. Supports `Range`.',
        tags: ['exports'],
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({
          expires: Type.Optional(Type.String()),
          signature: Type.Optional(Type.String()),
        }),
        response: {
          200: { description: 'The archive (application/zip).' },
          206: { description: 'Part of the archive.' },
          302: { description: 'Redirect to a presigned object-storage URL.' },
          ...problems(401, 403, 404, 409, 410, 416, 503),
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
