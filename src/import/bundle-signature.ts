import { verify } from 'node:crypto';
import type { TrustedKey } from '../verify/index.js';
import type { BundleArchive } from './bundle-archive.js';
import { ImportRefusal } from './import-error.js';
import type { ImportLimits } from './import-limits.js';

/** Where a signed bundle keeps the Ed25519 signature of `manifest.json`. */
export const MANIFEST_SIG = 'manifest.sig';

/**
 * Whether the bundle's origin is proven: its `manifest.sig` is an Ed25519
 * signature of the exact bytes of `manifest.json` under one of `keys`, the key
 * the manifest names in `export.signing_key_id`. The signed manifest covers
 * the data through `content_sha256` and the documents (`bundle.json`) through
 * their sha256, each of which must match `sums` (already checked against the
 * bytes).
 *
 * A bundle that is not signed, or is signed by a key not among `keys`, is
 * simply untrusted (false): anyone can build a zip. One that names a trusted
 * key but whose signature does not verify, or whose signed manifest disagrees
 * with its files, was changed after it was signed: it is refused.
 *
 * @throws {@link ImportRefusal} `checksum_mismatch` for a broken signature.
 */
export async function isSignedByTrustedKey(
  archive: BundleArchive,
  sums: ReadonlyMap<string, string>,
  keys: readonly TrustedKey[],
  limits: ImportLimits,
): Promise<boolean> {
  if (keys.length === 0 || !archive.has(MANIFEST_SIG)) return false;
  const signature = await archive.readAll(MANIFEST_SIG, 1024);
  const manifestBytes = await archive.readAll('manifest.json', limits.maxDocumentBytes);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as {
    export?: { signing_key_id?: unknown };
    documents?: unknown;
  };
  const kid = manifest.export?.signing_key_id;
  const key = keys.find((k) => k.kid === kid);
  if (key === undefined || signature.length !== 64) return false;
  if (!verify(null, manifestBytes, key.key, signature)) {
    throw new ImportRefusal(
      'checksum_mismatch',
      `${MANIFEST_SIG} names the trusted key ${String(kid)} but is not its signature of manifest.json: the bundle was changed after it was signed.`,
    );
  }
  const documents = Array.isArray(manifest.documents) ? (manifest.documents as unknown[]) : [];
  for (const document of documents) {
    const { path, sha256 } = (document ?? {}) as { path?: unknown; sha256?: unknown };
    if (typeof path !== 'string' || sums.get(path) !== sha256) {
      throw new ImportRefusal(
        'checksum_mismatch',
        `${String(path)} does not match its sha256 in the signed manifest.json: the bundle was changed after it was signed.`,
      );
    }
  }
  return true;
}
