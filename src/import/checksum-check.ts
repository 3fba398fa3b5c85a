import { createHash } from 'node:crypto';
import { contentSha256, type ChecksumEntry } from '../archive/checksums.js';
import { toError } from '../errors/index.js';
import type { BundleArchive } from './bundle-archive.js';
import { MANIFEST_SIG } from './bundle-signature.js';
import { ImportRefusal } from './import-error.js';
import type { ImportLimits } from './import-limits.js';

const SUMS = 'SHA256SUMS';
const SUM_LINE = /^([0-9a-f]{64}) {2}(.+)$/;

/**
 * Checks the archive against its `SHA256SUMS`: every line against the bytes of
 * its entry (each entry streamed once, its inflated bytes counted against
 * `maxUncompressedBytes`), every entry but `SHA256SUMS` and `manifest.sig` listed, and the
 * manifest's `content_sha256` recomputed from the lines under `data/`,
 * `schemas/` and `attachments/`.
 *
 * Resolves to the sha256 of every entry, by path.
 *
 * @throws {@link ImportRefusal} `checksum_mismatch`, naming the first file at fault,
 * or `archive_too_large`.
 */
export async function checkChecksums(
  archive: BundleArchive,
  contentDigest: string,
  limits: ImportLimits,
  onFile: (path: string) => void,
): Promise<Map<string, string>> {
  const listed = parseSums(await archive.readAll(SUMS, limits.maxDocumentBytes));
  for (const path of archive.paths()) {
    // manifest.sig signs manifest.json, which SHA256SUMS lists; the signature itself is not listed.
    if (path !== SUMS && path !== MANIFEST_SIG && !listed.has(path)) {
      throw new ImportRefusal('checksum_mismatch', `${path} is not listed in ${SUMS}.`);
    }
  }
  let inflated = 0;
  for (const [path, expected] of listed) {
    if (!archive.has(path)) {
      throw new ImportRefusal('checksum_mismatch', `${SUMS} lists ${path}, which is missing.`);
    }
    const hash = createHash('sha256');
    try {
      for await (const chunk of await archive.read(path)) {
        inflated += (chunk as Buffer).length;
        if (inflated > limits.maxUncompressedBytes) {
          throw new ImportRefusal(
            'archive_too_large',
            `The archive inflates past ${limits.maxUncompressedBytes} bytes (at ${path}).`,
          );
        }
        hash.update(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof ImportRefusal) throw error;
      throw new ImportRefusal(
        'checksum_mismatch',
        `${path} cannot be read: ${toError(error).message}; the archive is damaged.`,
      );
    }
    if (hash.digest('hex') !== expected) {
      throw new ImportRefusal(
        'checksum_mismatch',
        `${path} does not match its sha256 in ${SUMS}: the archive was changed or damaged.`,
      );
    }
    onFile(path);
  }
  const entries: ChecksumEntry[] = [...listed].map(([path, sha256]) => ({ path, sha256 }));
  if (contentSha256(entries) !== contentDigest) {
    throw new ImportRefusal(
      'checksum_mismatch',
      `manifest.json's content_sha256 does not match the files listed in ${SUMS}.`,
    );
  }
  return listed;
}

function parseSums(bytes: Buffer): Map<string, string> {
  const sums = new Map<string, string>();
  const text = bytes.toString('utf8');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  for (const [index, line] of lines.entries()) {
    const match = SUM_LINE.exec(line);
    if (!match?.[1] || !match[2] || sums.has(match[2])) {
      throw new ImportRefusal('checksum_mismatch', `${SUMS} line ${index + 1} is malformed.`);
    }
    sums.set(match[2], match[1]);
  }
  return sums;
}
