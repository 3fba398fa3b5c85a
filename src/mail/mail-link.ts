import { createHmac, timingSafeEqual } from 'node:crypto';

/** Label mixed into every MAC, so a mail link's signature never serves as a download URL's. */
const DOMAIN = 'portage.email-link.v1';

/** The name of the secret (in Portage's database) that signs mail links. */
export const EMAIL_LINK_SECRET = 'email-link';

/** The public path of an export's mail link. */
export function emailLinkPath(exportId: string): string {
  return `/v1/exports/${exportId}/email-link`;
}

/**
 * The link a mail carries: `<baseUrl>/v1/exports/<id>/email-link?expires=…&signature=…`,
 * an HMAC-SHA256 (base64url) over a fixed label, the expiry (unix seconds) and
 * the path. It lives exactly as long as the archive (`expiresAt`), and each
 * click mints a fresh download URL.
 */
export function signEmailLink(
  baseUrl: string,
  exportId: string,
  expiresAt: Date,
  secret: Buffer,
): string {
  const path = emailLinkPath(exportId);
  const expires = String(Math.floor(expiresAt.getTime() / 1000));
  const query = new URLSearchParams({ expires, signature: mac(secret, path, expires) });
  return `${baseUrl}${path}?${query.toString()}`;
}

/**
 * What a presented mail link is worth: `invalid` when its path, expiry or
 * signature was altered or is missing (checked first, in constant time);
 * `expired` when genuine but its second has come; else `ok`.
 */
export function verifyEmailLink(input: {
  readonly exportId: string;
  readonly expires: string | undefined;
  readonly signature: string | undefined;
  readonly secret: Buffer;
  readonly now: Date;
}): 'ok' | 'expired' | 'invalid' {
  const { expires, signature } = input;
  if (expires === undefined || signature === undefined) return 'invalid';
  if (!/^[0-9]{1,15}$/.test(expires)) return 'invalid';
  const expected = Buffer.from(mac(input.secret, emailLinkPath(input.exportId), expires), 'ascii');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Math.floor(input.now.getTime() / 1000) < Number(expires) ? 'ok' : 'expired';
}

function mac(secret: Buffer, path: string, expires: string): string {
  return createHmac('sha256', secret)
    .update(`${DOMAIN}\n${expires}\n${path}`, 'utf8')
    .digest('base64url');
}
