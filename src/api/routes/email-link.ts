import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PortageError, type ErrorCode } from '../../errors/index.js';
import { expireIfDue } from '../../jobs/index.js';
import { EMAIL_LINK_SECRET, verifyEmailLink } from '../../mail/index.js';
import type { ApiContext } from '../api-context.js';
import { linksFor } from '../api-context.js';
import { exportView } from '../export-view.js';
import { prefersHtml, sendHtmlProblem } from '../html-problem.js';
import { problems } from '../schemas.js';

/** The heading of the page a browser gets for each refusal. */
const HEADINGS: Partial<Record<ErrorCode, string>> = {
  download_link_invalid: 'This link is not valid',
  export_expired: 'This export has expired',
  bad_request: 'This link cannot be opened here',
};

const EXAMPLE_QUERY = 'expires=1796774400&signature=gk3Qb1pX2m0yZc6a9RtWnE4vHsLdJ8uA7fKqT5oYw1I';

/**
 * `GET /v1/exports/{id}/email-link`: the link an export's mail carries. It
 * needs no key — its HMAC signature (Portage's own secret) is the credential —
 * and works until the archive expires: each click redirects to a freshly
 * minted `download_url`. Gone archive: `410`; altered link: `403`. A browser
 * (`Accept` preferring HTML) gets a short HTML page instead of problem+json.
 */
export function emailLinkRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const now = ctx.now ?? (() => new Date());
  let secret: Promise<Buffer> | null = null;
  app.get(
    '/v1/exports/:id/email-link',
    {
      schema: {
        summary: "Follow an export's email link",
        operationId: 'followExportEmailLink',
        description:
          `The link in the mail sent to an export's \`notify_email\` (\`?${EXAMPLE_QUERY}\`). No API key: the signature is the credential. ` +
          'Until the archive expires, each request redirects to a fresh `download_url`; afterwards it answers `410`. ' +
          'Answers an HTML page instead of problem+json when `Accept` prefers `text/html`.',
        tags: ['exports'],
        security: [],
        params: Type.Object({ id: Type.String({ examples: ['exp_3k9w2m7q4t8v1x5z0b6n2c4d'] }) }),
        querystring: Type.Object({
          expires: Type.Optional(
            Type.String({
              description: 'Unix seconds: when the archive expires.',
              examples: ['1796774400'],
            }),
          ),
          signature: Type.Optional(
            Type.String({
              description: 'base64url HMAC-SHA256 of the path and expiry.',
              examples: ['gk3Qb1pX2m0yZc6a9RtWnE4vHsLdJ8uA7fKqT5oYw1I'],
            }),
          ),
        }),
        response: {
          302: {
            description:
              "To a freshly minted `download_url` (Portage's own signed URL, or a presigned object-storage URL).",
            headers: {
              Location: {
                type: 'string',
                description: 'The fresh download URL.',
                examples: [
                  'https://portage.example.com/v1/exports/exp_3k9w2m7q4t8v1x5z0b6n2c4d/download?expires=1796688000&signature=Qm9vb0l0c1Np…',
                ],
              },
            },
          },
          ...problems(400, 403, 410),
        },
      },
    },
    async (request, reply) => {
      try {
        return await follow(request, reply);
      } catch (thrown) {
        const heading = thrown instanceof PortageError ? HEADINGS[thrown.code] : undefined;
        if (heading === undefined || !prefersHtml(request.headers.accept)) throw thrown;
        return sendHtmlProblem(
          reply,
          (thrown as PortageError).code,
          heading,
          (thrown as Error).message,
        );
      }
    },
  );

  async function follow(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { id } = request.params as { id: string };
    const query = request.query as { expires?: string; signature?: string };
    const at = now();
    secret ??= ctx.store.tenants.secret(EMAIL_LINK_SECRET);
    const verdict = verifyEmailLink({
      exportId: id,
      expires: query.expires,
      signature: query.signature,
      secret: await secret,
      now: at,
    });
    if (verdict === 'invalid')
      throw new PortageError(
        'download_link_invalid',
        'This link was altered or is incomplete. Open the link exactly as the mail gives it, or ask for a new export.',
      );
    const gone = new PortageError(
      'export_expired',
      'The archive of this export was deleted when it expired, so this link no longer works. Ask for a new export.',
    );
    if (verdict === 'expired') throw gone;
    const stored = await ctx.store.exports.getById(id);
    if (stored === null) throw gone;
    const record = await expireIfDue(ctx, stored, at);
    if (record.status !== 'completed') throw gone;
    const view = await exportView(record, { ...linksFor(ctx, request), now: at });
    if (view.download_url === null) throw gone;
    return reply
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .redirect(view.download_url, 302);
  }
}
