import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { PortageError } from '../errors/index.js';
import type { Store } from '../store/index.js';

const tenants = new WeakMap<FastifyRequest, string>();

/** The tenant whose API key authorised the request; throws a 401 problem otherwise. */
export async function authenticate(store: Store, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { headers: { 'WWW-Authenticate': 'Bearer realm="portage"' } };
  if (match?.[1] === undefined) {
    throw new PortageError(
      'unauthorized',
      'Send your API key as `Authorization: Bearer <key>`.',
      challenge,
    );
  }
  const tenant = await store.tenants.tenantForKey(match[1]);
  if (tenant === null)
    throw new PortageError('unauthorized', 'This API key is not known.', challenge);
  return tenant;
}

/**
 * An `onRequest` hook that authenticates the caller before anything else
 * looks at the request: a caller without a valid key gets 401, never a
 * validation or media-type answer about a body it may not send.
 */
export function requireTenant(store: Store): onRequestAsyncHookHandler {
  return async (request) => {
    tenants.set(request, await authenticate(store, request));
  };
}

/** The tenant {@link requireTenant} authenticated for this request. */
export function tenantOf(request: FastifyRequest): string {
  const tenant = tenants.get(request);
  if (tenant === undefined) throw new Error(`${request.url}: route has no requireTenant hook`);
  return tenant;
}
