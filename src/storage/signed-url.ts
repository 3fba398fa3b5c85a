import { createHmac, timingSafeEqual } from 'node:crypto';

/** Label mixed into every MAC so a download signature can never serve another purpose. */
const DOMAIN = 'portage.download-url.v1';
/** Shortest secret accepted, in bytes: the output size of SHA-256. */
export const MIN_SIGNING_SECRET_BYTES = 32;

/** Input of {@link signDownload}. */
export interface SignDownloadInput {
  /** The URL path being granted, exactly as the server will see it (e.g. `/v1/exports/exp_1/download`). */
  readonly path: string;
  /** The instant the URL stops working; rounded down to the whole second. */
  readonly expiresAt: Date;
  /** HMAC key, at least {@link MIN_SIGNING_SECRET_BYTES} bytes, shared by every Portage process. */
  readonly secret: Buffer;
}

/** Input of {@link verifyDownload}: the request's path and its two query parameters. */
export interface VerifyDownloadInput {
  readonly path: string;
  /** The `expires` query parameter (unix seconds), as received. */
  readonly expires: string | undefined;
  /** The `signature` query parameter (base64url), as received. */
  readonly signature: string | undefined;
  readonly secret: Buffer;
  /** The current time. (Default: `new Date()`) */
  readonly now?: Date;
}

/**
 * Why a download URL is refused: `expired` when its signature is genuine but its
 * time has passed; `invalid` when the path, expiry or signature was altered or is
 * missing. Both answer `403`.
 */
export type DownloadVerdict = 'ok' | 'expired' | 'invalid';

/**
 * Signs a download path for the file store: returns the query string
 * `expires=<unix seconds>&signature=<base64url HMAC-SHA256>` to append to it.
 * The MAC covers a fixed domain label, the expiry and the path.
 *
 * @throws RangeError when `expiresAt` is not a valid date or the secret is too short.
 */
export function signDownload(input: SignDownloadInput): { query: string } {
  assertSecret(input.secret);
  const time = input.expiresAt.getTime();
  if (!Number.isFinite(time) || time < 0) throw new RangeError('expiresAt is not a valid date');
  const expires = String(Math.floor(time / 1000));
  const signature = mac(input.secret, input.path, expires);
  return { query: new URLSearchParams({ expires, signature }).toString() };
}

/**
 * Checks a signed download URL in constant time. The signature is checked before
 * the expiry, so a URL whose expiry was changed is `invalid`, never `expired`. A URL
 * is valid up to, but not including, its expiry second.
 */
export function verifyDownload(input: VerifyDownloadInput): DownloadVerdict {
  assertSecret(input.secret);
  const { expires, signature } = input;
  if (expires === undefined || signature === undefined) return 'invalid';
  if (!/^[0-9]{1,15}$/.test(expires)) return 'invalid';
  // Compared as text, not decoded bytes: base64url decoding ignores stray
  // characters and trailing bits, so only the canonical form must pass.
  const expected = Buffer.from(mac(input.secret, input.path, expires), 'ascii');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return nowSeconds < Number(expires) ? 'ok' : 'expired';
}

function mac(secret: Buffer, path: string, expires: string): string {
  // `expires` is digits only, so the path (last, unbounded) cannot be confused with it.
  return createHmac('sha256', secret)
    .update(`${DOMAIN}\n${expires}\n${path}`, 'utf8')
    .digest('base64url');
}

function assertSecret(secret: Buffer): void {
  if (secret.length < MIN_SIGNING_SECRET_BYTES) {
    throw new RangeError(
      `the download signing secret must be at least ${MIN_SIGNING_SECRET_BYTES} bytes`,
    );
  }
}
