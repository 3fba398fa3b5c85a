import { isLocalBase } from './return-url.js';

/** The name of the portal session cookie. */
export const SESSION_COOKIE = 'portage_portal';

/** The path the cookie is sent for: the page and its own JSON calls, nothing else. */
export const COOKIE_PATH = '/portal';

/** The value of the session cookie in a `Cookie` header, or null. */
export function readSessionCookie(header: string | undefined): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
  }
  return null;
}

/**
 * `Set-Cookie` of a new session: HttpOnly, SameSite=Strict, limited to
 * `/portal`, `Secure` unless Portage is reached on localhost over plain HTTP
 * (where a browser would not keep a `Secure` cookie).
 */
export function sessionCookie(token: string, maxAgeSeconds: number, baseUrl: string): string {
  const secure = isLocalBase(baseUrl) ? '' : '; Secure';
  return `${SESSION_COOKIE}=${token}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedCookie(baseUrl: string): string {
  return sessionCookie('', 0, baseUrl);
}
