import type { FilesSpec } from '../catalog/index.js';

/**
 * A file's key: its path relative to the platform's files directory, as a
 * record's path field holds it (`acme/attachments/000001.md`). Every function
 * here works on the text alone, touching no file.
 */

/**
 * The folder of one tenant's files: the catalog's `files.folder` with each
 * `{tenant}` replaced by the tenant id (`acme/attachments`).
 *
 * @throws Error when the tenant id cannot stand for one folder name (empty,
 * `.`, `..`, or holding `/`, `\` or NUL): such an id would name another place.
 */
export function tenantFolder(files: FilesSpec, tenant: string): string {
  if (!isCleanSegment(tenant)) {
    throw new Error(`The tenant id ${JSON.stringify(tenant)} cannot name a folder of files.`);
  }
  return files.folder.replaceAll('{tenant}', tenant);
}

/**
 * Whether `key` names a file inside `folder`, by its text: `<folder>/<name>`,
 * `/`-separated, with no empty, `.` or `..` segment, no backslash and no NUL.
 * An absolute path, a `../` or another tenant's folder is never inside.
 */
export function isInFolder(key: string, folder: string): boolean {
  return key.startsWith(`${folder}/`) && key.split('/').every(isCleanSegment);
}

/**
 * The key under `target` for a file a bundle holds at `key`, where the bundle
 * came from the tenant whose folder is `source` (null: none):
 * - a key already in `target` is kept;
 * - a key in `source` keeps its place inside the folder (`acme/attachments/a.md`
 *   becomes `sandbox/attachments/a.md`);
 * - any other key (another tenant's folder, `../`, an absolute path) is put
 *   under `target` with its own segments, cleaned: empty, `.` and `..`
 *   segments dropped, backslashes read as separators, NUL removed
 *   (`globex/attachments/a.md` becomes `acme/attachments/globex/attachments/a.md`).
 *
 * The result is always in `target` (see {@link isInFolder}).
 */
export function keyInFolder(key: string, source: string | null, target: string): string {
  if (isInFolder(key, target)) return key;
  if (source !== null && isInFolder(key, source))
    return `${target}/${key.slice(source.length + 1)}`;
  const segments = key
    .replaceAll('\0', '')
    .split(/[/\\]/)
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  return `${target}/${segments.length > 0 ? segments.join('/') : 'file'}`;
}

function isCleanSegment(segment: string): boolean {
  return (
    segment !== '' &&
    segment !== '.' &&
    segment !== '..' &&
    !segment.includes('/') &&
    !segment.includes('\\') &&
    !segment.includes('\0')
  );
}
