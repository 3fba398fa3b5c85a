import { ZipPathError } from './zip-errors.js';

const MAX_PATH_BYTES = 0xffff;

/**
 * Checks that `path` can name a file inside an archive and returns it unchanged:
 * relative, `/`-separated, no empty, `.` or `..` segment, no trailing `/`, no
 * backslash, NUL or control character (so it also fits one `SHA256SUMS` line),
 * well-formed Unicode, at most 65535 UTF-8 bytes.
 *
 * @throws ZipPathError naming the rule broken.
 */
export function validateEntryPath(path: string): string {
  const fail = (reason: string): never => {
    throw new ZipPathError(path, reason);
  };
  if (path.length === 0) fail('empty');
  if (Buffer.from(path, 'utf8').toString('utf8') !== path) fail('not well-formed Unicode');
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) fail('longer than 65535 bytes');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) fail('contains a NUL or control character');
  if (path.includes('\\')) fail('contains a backslash; separate folders with /');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) fail('absolute path');
  for (const segment of path.split('/')) {
    if (segment === '') fail('empty path segment (leading, trailing or double /)');
    if (segment === '.' || segment === '..') fail(`"${segment}" path segment`);
  }
  return path;
}
