import { verify } from 'node:crypto';
import type { ManifestView } from './manifest-view.js';
import type { TrustedKey } from './trusted-keys.js';
import type { VerifyCheck, VerifyResult } from './verify-archive.js';

/**
 * The last check of a verification: `manifest.sig` against the exact bytes of
 * `manifest.json`, under the trusted key whose kid is `export.signing_key_id`.
 * Without trusted keys the signature is only checked for shape, and the check
 * is `skipped` with a plain warning; an audit archive must carry `manifest.sig`.
 */
export function checkSignature(
  manifest: ManifestView,
  manifestBytes: Buffer,
  signature: Buffer | null,
  keys: readonly TrustedKey[] | undefined,
  {
    checks,
    fail,
  }: {
    checks: VerifyCheck[];
    fail: (name: 'signature', path: string, reason: string) => VerifyResult;
  },
): VerifyResult {
  const done = (
    status: VerifyCheck['status'],
    detail: string,
    result: VerifyResult['signature'],
  ): VerifyResult => {
    checks.push({ name: 'signature', status, detail });
    return { ok: true, checks, signature: result, manifest };
  };
  if (signature === null) {
    if (manifest.purpose === 'audit')
      return fail('signature', 'manifest.sig', 'missing: an audit export is always signed');
    if (keys !== undefined)
      return fail(
        'signature',
        'manifest.sig',
        'missing: a trusted key was given, so a signed archive was expected',
      );
    return done(
      'skipped',
      `not signed (purpose ${manifest.purpose ?? 'unknown'}: only audit and duplication exports are)`,
      'unsigned',
    );
  }
  if (signature.length !== 64)
    return fail(
      'signature',
      'manifest.sig',
      `${signature.length} bytes; an Ed25519 signature is 64`,
    );
  const kid = manifest.signingKeyId;
  if (kid === null)
    return fail(
      'signature',
      'manifest.json',
      'export.signing_key_id is missing, so no key can check manifest.sig',
    );
  if (keys === undefined) {
    return done(
      'skipped',
      `NOT checked against a trusted key: manifest.sig names key ${kid}; pass --key with the platform's public key (GET /v1/signing-keys) to check it`,
      'not_checked',
    );
  }
  const trusted = keys.find((key) => key.kid === kid);
  if (trusted === undefined) {
    const known = keys.map((key) => key.kid).join(', ') || 'none';
    return fail(
      'signature',
      'manifest.sig',
      `signed with key ${kid}, which is not among the trusted keys (${known})`,
    );
  }
  if (!verify(null, manifestBytes, trusted.key, signature)) {
    return fail(
      'signature',
      'manifest.sig',
      `not a valid Ed25519 signature of manifest.json under key ${kid}`,
    );
  }
  return done(
    'passed',
    `Ed25519 signature of manifest.json verified with trusted key ${kid}`,
    'verified',
  );
}
