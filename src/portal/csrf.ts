import { createHmac, timingSafeEqual } from 'node:crypto';

/** The request header that carries the page's CSRF token. */
export const CSRF_HEADER = 'x-portage-csrf';

/**
 * The CSRF token of a session: an HMAC of the session's stored hash under a
 * secret of this deployment, so that it needs no storage, differs for every
 * session and cannot be computed from the database alone.
 */
export function csrfToken(secret: Buffer, sessionHash: string): string {
  return createHmac('sha256', secret).update(`portal-csrf:${sessionHash}`).digest('base64url');
}

/** The headers of a state-changing request that {@link csrfProblem} looks at. */
export interface CsrfHeaders {
  readonly token: string | undefined;
  readonly origin: string | undefined;
  readonly fetchSite: string | undefined;
}

/**
 * Why a state-changing request from the page is refused, or null when it is
 * the page's own: it must come from Portage's own origin (`Origin`, and
 * `Sec-Fetch-Site` where the browser sends it) and carry the session's token.
 */
export function csrfProblem(
  headers: CsrfHeaders,
  expectedOrigin: string,
  expectedToken: string,
): string | null {
  if (headers.origin !== expectedOrigin)
    return `The request comes from ${headers.origin ?? 'no origin'}, not from this page.`;
  if (headers.fetchSite !== undefined && headers.fetchSite !== 'same-origin')
    return 'The request was not made by this page (Sec-Fetch-Site).';
  const given = Buffer.from(headers.token ?? '');
  const wanted = Buffer.from(expectedToken);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return `The request carries no valid ${CSRF_HEADER} header; reload the page.`;
  return null;
}
