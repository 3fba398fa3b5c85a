import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { Authenticator } from '../auth/index.js';
import type { ApiContext } from './api-context.js';

const tenants = new WeakMap<FastifyRequest, string>();
const authenticators = new WeakMap<ApiContext, Authenticator>();

/** The one authenticator of an app (its identity-provider key set is fetched and cached once). */
function authenticatorOf(ctx: ApiContext): Authenticator {
  let authenticator = authenticators.get(ctx);
  if (authenticator === undefined) {
    authenticator = new Authenticator(ctx);
    authenticators.set(ctx, authenticator);
  }
  return authenticator;
}

/**
 * An `onRequest` hook that authenticates the caller (an API key, or a token of
 * the platform's identity provider) before anything else looks at the request:
 * a caller without a valid credential gets 401, never a validation or
 * media-type answer about a body it may not send.
 */
export function requireTenant(ctx: ApiContext): onRequestAsyncHookHandler {
  const authenticator = authenticatorOf(ctx);
  return async (request) => {
    const caller = await authenticator.authenticate(request.headers.authorization);
    tenants.set(request, caller.tenant);
  };
}

/** The tenant {@link requireTenant} authenticated for this request. */
export function tenantOf(request: FastifyRequest): string {
  const tenant = tenants.get(request);
  if (tenant === undefined) throw new Error(`${request.url}: route has no requireTenant hook`);
  return tenant;
}
