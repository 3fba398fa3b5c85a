import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { problems } from './problem-responses.js';

/**
 * How a route documents itself, so that `/openapi.json` passes Redocly's
 * recommended rules and a generated client can call it (docs/api.md says more):
 *
 * - `schema.operationId`: a camelCase verb and noun, `createExport`, `getImport`.
 * - `schema.security`: {@link BEARER_AUTH} for a tenant's key, {@link PUBLIC}
 *   for an endpoint that needs none.
 * - `schema.response`: each success with its schema and `headers`
 *   (from `openapi-headers.ts`), and `...problems('unauthorized', …)` naming
 *   each code the route can answer.
 * - `examples` on schema properties: realistic ids, times and links.
 */
export const BEARER_AUTH = [{ bearerAuth: [] }];

/** `security` of a public endpoint: no credential. */
export const PUBLIC: { [scheme: string]: string[] }[] = [];

/** The security scheme names {@link BEARER_AUTH} and the metrics route refer to. */
export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      "A tenant's API key (`ptg_…`), from `portage keys create --tenant <id>`: `Authorization: Bearer ptg_…`; or, where `PORTAGE_AUTH_JWKS` is set, a JWT of the platform's identity provider (RS256, ES256 or EdDSA) naming the tenant in its tenant claim.",
  },
  portalSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'portage_portal',
    description:
      "The customer's page session, started by opening a link from `POST /v1/portal-sessions`.",
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator token of `PORTAGE_METRICS_TOKEN`.',
  },
} as const;

/**
 * Problems any request can meet before its route runs — malformed HTTP or a
 * URL that does not decode, headers too large, a request not received in
 * time — or after, on Portage's side: added to every documented route, so
 * that each lists them without repeating them. A route that lists one of
 * these statuses itself replaces it: name `bad_request` among its 400s.
 */
export function documentCommonProblems(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as
      { hide?: boolean; response?: Record<string, unknown> } | undefined;
    if (schema === undefined || schema.hide === true) return;
    schema.response = {
      ...problems('bad_request', 'request_timeout', 'headers_too_large', 'internal_error'),
      ...schema.response,
    };
  });
}

/**
 * Swagger's `transform`: a route whose body Fastify hands over unparsed (a
 * zip stream) describes it as `streamedBody`, which the description shows as
 * the request body and Fastify never validates.
 */
export const documentStreamedBodies: SwaggerTransform = ({ schema, url }) => {
  const { streamedBody, ...rest } = schema as FastifySchema & { streamedBody?: unknown };
  return { schema: streamedBody === undefined ? schema : { ...rest, body: streamedBody }, url };
};

/**
 * A route's schema says `[BODY_OPTIONAL]: true` when it also takes no body at
 * all; Swagger marks every body required, so `documentOptionalBodies` (its
 * `transformObject`) marks that operation's request body optional.
 */
export const BODY_OPTIONAL = 'x-body-optional';

type Operation = { [BODY_OPTIONAL]?: boolean; requestBody?: { required?: boolean } };

export const documentOptionalBodies: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const paths = document.openapiObject.paths as
    Record<string, Record<string, Operation>> | undefined;
  for (const operation of Object.values(paths ?? {}).flatMap((path) => Object.values(path))) {
    if (operation[BODY_OPTIONAL] !== true) continue;
    delete operation[BODY_OPTIONAL];
    if (operation.requestBody !== undefined) operation.requestBody.required = false;
  }
  return document.openapiObject;
};
