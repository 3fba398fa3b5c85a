/** Hosts on which a plain `http:` return URL is accepted: the platform developer's own machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Longest `return_url` accepted, in characters. */
export const RETURN_URL_MAX_LENGTH = 2048;

/**
 * The `return_url` of a portal session as it will be linked, or the reason it
 * is refused: it must be an absolute `https:` URL (or `http:` on localhost),
 * with no user name or password in it, so that the page's "back" link can
 * never run script (`javascript:`) or lead somewhere the platform did not mean.
 */
export function checkReturnUrl(text: string): { url: string } | { problem: string } {
  if (text.length > RETURN_URL_MAX_LENGTH)
    return { problem: `must be at most ${RETURN_URL_MAX_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an absolute URL' };
  }
  const local = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !local)
    return { problem: 'must be an https: URL (or http: on localhost)' };
  if (url.username !== '' || url.password !== '')
    return { problem: 'must not carry a user name or password' };
  return { url: url.href };
}

/** Whether a base URL is served from the local machine, where a cookie may go without `Secure`. */
export function isLocalBase(baseUrl: string): boolean {
  try {
    const url = new URL(baseUrl);
    return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}
