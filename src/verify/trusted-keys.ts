import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { toError } from '../errors/index.js';
import { keyId } from '../signing/index.js';

/** A public key the person verifying trusts, and the kid it is known by. */
export interface TrustedKey {
  readonly kid: string;
  readonly key: KeyObject;
}

/** A `--key` value that cannot be used; the message names it and why. */
export class TrustedKeyError extends Error {
  override readonly name = 'TrustedKeyError';
}

/**
 * Reads the keys a verifier trusts from `source`: a JWKS JSON text given inline
 * (it starts with `{`), or a file holding a JWKS (`{"keys": [...]}`), one JWK,
 * or one or more PEM public keys (SPKI). Only Ed25519 keys are kept. A JWK's
 * `kid` is used when it has one; otherwise, and for PEM, the kid is the RFC 7638
 * thumbprint, as Portage derives it. URLs are not fetched.
 *
 * @throws TrustedKeyError when the source is unreadable or holds no Ed25519 key.
 */
export async function readTrustedKeys(source: string): Promise<TrustedKey[]> {
  let text = source;
  if (!source.trimStart().startsWith('{')) {
    try {
      text = await readFile(source, 'utf8');
    } catch (caught) {
      throw new TrustedKeyError(`--key ${source}: ${toError(caught).message}`);
    }
  }
  const label = text === source ? 'the JWKS given' : source;
  try {
    const keys = text.trimStart().startsWith('{') ? fromJson(text) : fromPem(text);
    if (keys.length === 0) throw new Error('no Ed25519 public key in it');
    return keys;
  } catch (caught) {
    throw new TrustedKeyError(`--key ${label}: ${toError(caught).message}`);
  }
}

function fromJson(text: string): TrustedKey[] {
  const parsed = JSON.parse(text) as { keys?: unknown };
  const jwks = Array.isArray(parsed.keys) ? (parsed.keys as unknown[]) : [parsed];
  return jwks.flatMap((value) => {
    const jwk = value as { kty?: unknown; crv?: unknown; x?: unknown; kid?: unknown };
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return [];
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    return [{ kid: typeof jwk.kid === 'string' ? jwk.kid : keyId(key), key }];
  });
}

function fromPem(text: string): TrustedKey[] {
  const blocks = text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  return blocks.flatMap((pem) => {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? [{ kid: keyId(key), key }] : [];
  });
}
