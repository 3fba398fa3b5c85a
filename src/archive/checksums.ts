import { createHash } from 'node:crypto';

/** One file of an archive and the sha256 of its bytes. */
export interface ChecksumEntry {
  /** Path inside the archive, `/`-separated. */
  readonly path: string;
  /** Lowercase hex sha256. */
  readonly sha256: string;
}

/** Folders whose files make up an export's content digest (SPEC §11 "Digest bytes"). */
const CONTENT_FOLDERS = ['data/', 'schemas/', 'attachments/'];

/**
 * The text of `SHA256SUMS`: one `<sha256 hex><two spaces><path>\n` line per
 * entry, sorted by the UTF-8 bytes of the path, as `sha256sum -c` reads it.
 *
 * @throws Error for a duplicate path, a path `sha256sum` would have to escape
 * (newline, carriage return, backslash), or a sha256 that is not 64 hex digits.
 */
export function sha256sumsText(entries: readonly ChecksumEntry[]): string {
  const sorted = entries
    .map((entry) => ({ ...checkEntry(entry), key: Buffer.from(entry.path, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  let text = '';
  for (const [index, entry] of sorted.entries()) {
    const previous = sorted[index - 1];
    if (previous && previous.path === entry.path) {
      throw new Error(`SHA256SUMS: ${entry.path} is listed twice`);
    }
    text += `${entry.sha256}  ${entry.path}\n`;
  }
  return text;
}

/**
 * An export's `content_sha256`: the sha256 (lowercase hex) of the
 * {@link sha256sumsText} lines of the files under `data/`, `schemas/` and
 * `attachments/` only. Other entries (manifest, README, …) are ignored, so two
 * exports of the same data agree whenever they run.
 */
export function contentSha256(entries: readonly ChecksumEntry[]): string {
  const content = entries.filter((entry) =>
    CONTENT_FOLDERS.some((folder) => entry.path.startsWith(folder)),
  );
  return createHash('sha256').update(sha256sumsText(content), 'utf8').digest('hex');
}

function checkEntry(entry: ChecksumEntry): ChecksumEntry {
  if (!/^[0-9a-f]{64}$/.test(entry.sha256)) {
    throw new Error(`SHA256SUMS: ${entry.path} has no valid sha256 (${entry.sha256})`);
  }
  if (/[\n\r\\]/.test(entry.path) || entry.path.length === 0) {
    throw new Error(`SHA256SUMS: ${JSON.stringify(entry.path)} cannot be listed unescaped`);
  }
  return { path: entry.path, sha256: entry.sha256 };
}
