import type { FastifyRequest } from 'fastify';
import { PortageError } from '../errors/index.js';
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
  /** The clock of the mail link's checks. (Default: the system's) */
  readonly now?: () => Date;
}

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Link-minting settings for one request: `PORTAGE_PUBLIC_URL` when set, else
 * the request's own scheme and host — forwarded ones only from a trusted
 * proxy — and only when the scheme is `http` or `https` and the host a plain
 * host name, so that no link is ever built on a scheme or host a client chose.
 */
export function linksFor(ctx: ApiContext, request: FastifyRequest): DownloadLinks {
  let baseUrl = ctx.settings.publicUrl;
  if (baseUrl === null) {
    const { protocol, host } = request;
    if ((protocol !== 'http' && protocol !== 'https') || !HOST.test(host)) {
      throw new PortageError(
        'bad_request',
        'The request names no usable host for links (its Host or forwarded headers are malformed); the operator can set PORTAGE_PUBLIC_URL.',
      );
    }
    baseUrl = `${protocol}://${host}`;
  }
  return {
    baseUrl,
    secret: ctx.downloadSecret,
    ttlSeconds: ctx.settings.downloadTtlSeconds,
    storage: ctx.storage,
  };
}
