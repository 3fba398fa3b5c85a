import type { FastifyRequest } from 'fastify';
import { PortageError } from '../../errors/index.js';
import { readSessionCookie } from '../../portal/index.js';
import type { PortalSession, Store } from '../../store/index.js';

const sessions = new WeakMap<FastifyRequest, PortalSession>();

/**
 * The portal session the request's cookie names, kept for the request;
 * a missing, forged or ended one is refused with 401.
 * @throws PortageError `portal_session_required`, `portal_session_expired`
 */
export async function authenticatePortal(
  store: Store,
  request: FastifyRequest,
): Promise<PortalSession> {
  const token = readSessionCookie(request.headers.cookie);
  if (token === null)
    throw new PortageError(
      'portal_session_required',
      'This page needs a portal session: open it through a link from POST /v1/portal-sessions.',
    );
  const found = await store.portal.session(token);
  if (found.kind === 'unknown')
    throw new PortageError(
      'portal_session_required',
      'This portal session is not one Portage started; open the page through a new link.',
    );
  if (found.kind === 'expired')
    throw new PortageError(
      'portal_session_expired',
      'This portal session has ended; open the page through a new link.',
    );
  sessions.set(request, found.session);
  return found.session;
}

/** The session {@link authenticatePortal} found for this request. */
export function portalSessionOf(request: FastifyRequest): PortalSession {
  const session = sessions.get(request);
  if (session === undefined) throw new Error(`${request.url}: route has no portal session hook`);
  return session;
}

export { prefersHtml } from '../html-problem.js';
