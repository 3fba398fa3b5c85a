import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { requireTenantAccount } from '../../jobs/index.js';
import { checkReturnUrl, renderContinuePage, sessionCookie } from '../../portal/index.js';
import { BEARER_AUTH, BODY_OPTIONAL, PUBLIC } from '../openapi-conventions.js';
import type { ApiContext } from '../api-context.js';
import { linksFor } from '../api-context.js';
import { requireTenant, tenantOf } from '../auth.js';
import { problems } from '../schemas.js';
import { prefersHtml } from './portal-session.js';

/** A link token as Portage mints them (32 random bytes, base64url). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const CreatePortalSessionBody = Type.Object(
  {
    return_url: Type.Optional(
      Type.String({
        description:
          'Where the page\'s "back" link leads: an absolute `https:` URL (or `http:` on localhost).',
        examples: ['https://app.example.com/settings/data'],
      }),
    ),
  },
  { additionalProperties: false },
);

const PortalSessionObject = Type.Object(
  {
    url: Type.String({
      description:
        'The one-time link to redirect the customer to; it opens the page once, within `expires_at`.',
      examples: [
        'https://portage.example.com/portal/start/q3Lk9v0b6cH2xkQm7ZrT1yF8wJpN4sAeD5uGhVtR0Xo',
      ],
    }),
    expires_at: Type.String({
      format: 'date-time',
      description: 'When the link stops working (5 minutes by default).',
      examples: ['2026-05-04T12:05:00.000Z'],
    }),
  },
  { $id: 'PortalSession' },
);

/**
 * `POST /v1/portal-sessions` (the platform's backend, with the tenant's key)
 * and `GET /portal/start/{token}` (the customer's browser): a one-time link
 * that starts a cookie session on the customer's page.
 */
export function portalSessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.addSchema(PortalSessionObject);
  app.post(
    '/v1/portal-sessions',
    {
      onRequest: requireTenant(ctx),
      // The body is optional: no body means no return URL.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
      schema: {
        operationId: 'createPortalSession',
        summary: "Start a session on the customer's page",
        description:
          "Call it from the platform's backend when a signed-in customer asks for their data, then redirect the customer's browser to `url`. The link opens once, within 5 minutes (`PORTAGE_PORTAL_LINK_SECONDS`), and starts a cookie session of at most 1 hour on `/portal`. See docs/portal.md.",
        tags: ['portal'],
        security: BEARER_AUTH,
        body: CreatePortalSessionBody,
        [BODY_OPTIONAL]: true,
        response: {
          201: { description: 'The one-time link.', ...Type.Ref('PortalSession') },
          ...problems(400, 401, 403, 415, 422, 'identity_provider_unavailable'),
        },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const links = linksFor(ctx, request);
      const body = request.body as { return_url?: string };
      let returnUrl: string | null = null;
      if (body.return_url !== undefined) {
        const checked = checkReturnUrl(body.return_url);
        if ('problem' in checked) {
          throw new PortageError('validation_failed', 'The request body is invalid.', {
            errors: [{ pointer: '/return_url', detail: checked.problem }],
          });
        }
        returnUrl = checked.url;
      }
      await requireTenantAccount(ctx, tenant);
      const link = await ctx.store.portal.createLink(
        tenant,
        returnUrl,
        ctx.settings.portal.linkSeconds,
      );
      return reply
        .code(201)
        .header('Cache-Control', 'no-store')
        .send({ url: `${links.baseUrl}/portal/start/${link.token}`, expires_at: link.expiresAt });
    },
  );

  app.get(
    '/portal/start/:token',
    {
      schema: {
        operationId: 'openPortalLink',
        security: PUBLIC,
        summary: 'Open a one-time portal link',
        description:
          'Consumes the link (two concurrent opens start one session), sets the `portage_portal` cookie (HttpOnly, SameSite=Strict, Path=/portal, Secure unless Portage is on localhost) and redirects to `/portal`. A used, expired or unknown link answers a page (or, unless `Accept` prefers HTML, a problem) and sets nothing.',
        tags: ['portal'],
        params: Type.Object({ token: Type.String() }),
        response: {
          200: {
            description:
              'Session started, for a browser (`Accept` prefers HTML): a page that moves on to `/portal` at once (`<meta http-equiv=refresh>`, with a link), so that the SameSite=Strict cookie is sent.',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
          303: {
            description: 'Session started; on to `/portal`.',
            headers: {
              'Set-Cookie': {
                type: 'string',
                description: 'The session cookie.',
                examples: [
                  'portage_portal=Zk3…; Path=/portal; Max-Age=3600; HttpOnly; SameSite=Strict; Secure',
                ],
              },
              Location: { type: 'string', examples: ['/portal'] },
            },
          },
          ...problems(401, 403, 410),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const links = linksFor(ctx, request);
      if (!TOKEN.test(token))
        throw new PortageError('portal_link_invalid', 'This portal link is not one Portage made.');
      const opened = await ctx.store.portal.openLink(token, ctx.settings.portal.sessionSeconds);
      switch (opened.kind) {
        case 'unknown':
          throw new PortageError(
            'portal_link_invalid',
            'This portal link is not one Portage made.',
          );
        case 'used':
          throw new PortageError(
            'portal_link_used',
            'This portal link was already used; each link opens the page once. Ask for a new one.',
          );
        case 'expired':
          throw new PortageError(
            'portal_link_expired',
            'This portal link has expired; ask for a new one.',
          );
      }
      await requireTenantAccount(ctx, opened.session.tenantId);
      reply.header(
        'Set-Cookie',
        sessionCookie(opened.token, ctx.settings.portal.sessionSeconds, links.baseUrl),
      );
      // A browser that came from the platform's site would not send a SameSite=Strict
      // cookie along a redirect that site started: the page moves on from Portage itself.
      if (prefersHtml(request.headers.accept))
        return reply.code(200).type('text/html; charset=utf-8').send(renderContinuePage());
      return reply.code(303).header('Location', '/portal').send();
    },
  );
}
