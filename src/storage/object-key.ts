import { InvalidObjectKeyError } from './storage-errors.js';

/** The top-level folder a store keeps temporary objects in; no key may start with it. */
export const TEMPORARY_PREFIX = '.tmp/';

const MAX_KEY_BYTES = 1024;

/**
 * Checks that `key` is a safe relative object key and returns it unchanged.
 *
 * A key is 1 to 1024 UTF-8 bytes of `/`-separated segments, none empty, `.` or
 * `..`; it has no NUL or other control character, no backslash, does not start
 * with `/` or a drive letter, and does not fall under {@link TEMPORARY_PREFIX}.
 * These rules hold on every filesystem and match what S3 accepts.
 *
 * @throws InvalidObjectKeyError naming the rule broken.
 */
export function validateObjectKey(key: string): string {
  const fail = (reason: string): never => {
    throw new InvalidObjectKeyError(key, reason);
  };
  if (key.length === 0) fail('empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) fail(`longer than ${MAX_KEY_BYTES} bytes`);
  if (Buffer.from(key, 'utf8').toString('utf8') !== key) fail('not well-formed Unicode');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) fail('contains a NUL or control character');
  if (key.includes('\\')) fail('contains a backslash');
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) fail('absolute path');
  for (const segment of key.split('/')) {
    if (segment === '') fail('empty path segment');
    if (segment === '.' || segment === '..') fail(`"${segment}" path segment`);
  }
  if (key.startsWith(TEMPORARY_PREFIX)) fail(`reserved prefix ${TEMPORARY_PREFIX}`);
  return key;
}

/**
 * Checks that `prefix` is whole key segments followed by `/` (`pieces/`,
 * `exports/acme/`), under which keys can be listed, and returns it unchanged.
 *
 * @throws InvalidObjectKeyError naming the rule broken.
 */
export function validateKeyPrefix(prefix: string): string {
  if (!prefix.endsWith('/')) throw new InvalidObjectKeyError(prefix, 'a prefix must end with /');
  if (prefix === TEMPORARY_PREFIX) throw new InvalidObjectKeyError(prefix, 'reserved prefix');
  validateObjectKey(prefix.slice(0, -1));
  return prefix;
}
