import type { FastifyRequest } from 'fastify';
import { PortageError } from '../errors/index.js';
import type { Store } from '../store/index.js';

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
