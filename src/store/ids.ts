import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** An unguessable identifier: `prefix` then 24 base-32 characters (120 random bits). */
export function newId(prefix: string): string {
  const bytes = randomBytes(24);
  let out = prefix;
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** A fresh API key; only its hash is stored. */
export function newApiKey(): string {
  return `ptg_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of an API key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** RFC 3339 UTC with milliseconds, the one time format Portage stores and answers. */
export function isoTime(date: Date): string {
  return date.toISOString();
}
