import { createPublicKey } from 'node:crypto';
import { ConfigError, type Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import type { Keyring } from '../signing/index.js';
import { readTrustedKeys, type TrustedKey } from '../verify/index.js';

/**
 * The keys whose signature makes a bundle trusted (SPEC §12.1): this
 * deployment's keyring (refreshed, so that a rotation by another process
 * counts) and the JWKS of `PORTAGE_IMPORT_TRUSTED_KEYS`, read anew each time.
 * @throws ConfigError naming the setting when its file cannot be used.
 */
export async function importTrustedKeys(ctx: {
  readonly keyring: Keyring;
  readonly settings: Settings;
}): Promise<TrustedKey[]> {
  const { keyring, settings } = ctx;
  await keyring.refresh();
  const own = keyring
    .publicKeys()
    .map((k) => ({ kid: k.kid, key: createPublicKey(k.publicKeyPem) }));
  if (settings.importTrustedKeys === null) return own;
  try {
    return [...own, ...(await readTrustedKeys(settings.importTrustedKeys))];
  } catch (error) {
    throw new ConfigError(
      `PORTAGE_IMPORT_TRUSTED_KEYS: ${toError(error).message.replace(/^--key /, '')}`,
    );
  }
}
