export { keyId, parsePublicKeyPem, publicJwk, publicKeyPem, type Ed25519Jwk } from './key-id.js';
export {
  loadKeyring,
  rotateKeyring,
  type ActiveSigningKey,
  type Jwks,
  type Keyring,
  type KeyringSettings,
  type PublishedKey,
} from './keyring.js';
export {
  OPENSSL_VERIFY_STEPS,
  opensslVerifyMarkdown,
  opensslVerifyScript,
  type VerifyStep,
} from './verify-steps.js';
