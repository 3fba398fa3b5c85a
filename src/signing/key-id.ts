import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** An Ed25519 public key as an RFC 8037 JWK, ready for a JWKS. */
export interface Ed25519Jwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** The 32-byte public key, base64url without padding. */
  readonly x: string;
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

/**
 * The key id of an Ed25519 public key: its RFC 7638 JWK thumbprint (sha256 of
 * `{"crv":"Ed25519","kty":"OKP","x":"…"}`), base64url without padding, 43 characters.
 *
 * @throws Error when `publicKey` is not an Ed25519 key.
 */
export function keyId(publicKey: KeyObject): string {
  const x = rawX(publicKey);
  const members = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(members, 'utf8').digest('base64url');
}

/** The RFC 8037 JWK of an Ed25519 public key, with its {@link keyId}, `alg: "EdDSA"` and `use: "sig"`. */
export function publicJwk(publicKey: KeyObject): Ed25519Jwk {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: rawX(publicKey),
    kid: keyId(publicKey),
    alg: 'EdDSA',
    use: 'sig',
  };
}

/** The SPKI PEM text of a public key (`-----BEGIN PUBLIC KEY-----`), as `openssl pkeyutl -pubin` reads it. */
export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Parses an SPKI PEM public key and checks that it is Ed25519. */
export function parsePublicKeyPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  rawX(key);
  return key;
}

function rawX(publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`not an Ed25519 key (${publicKey.asymmetricKeyType ?? 'symmetric'})`);
  }
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 key without a public value');
  return jwk.x;
}
