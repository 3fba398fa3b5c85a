import type { FastifyRequest } from 'fastify';
import type { ExportContext } from '../jobs/index.js';
import type { Dispatcher, ImportRunner } from '../jobs/index.js';
import type { DownloadLinks } from './export-view.js';

/** What the HTTP layer needs: the export context, a way to wake workers, and link minting. */
export interface ApiContext extends ExportContext {
  readonly dispatcher: Dispatcher;
  /** Secret that signs download URLs, shared by every process through the database. */
  readonly downloadSecret: Buffer;
  /** Runs uploaded imports in the background. */
  readonly importRunner: ImportRunner;
}

/** Link-minting settings for one request: the public base URL, or the request's own host. */
export function linksFor(ctx: ApiContext, request: FastifyRequest): DownloadLinks {
  const baseUrl = ctx.settings.publicUrl ?? `${request.protocol}://${request.host}`;
  return {
    baseUrl,
    secret: ctx.downloadSecret,
    ttlSeconds: ctx.settings.downloadTtlSeconds,
    storage: ctx.storage,
  };
}
