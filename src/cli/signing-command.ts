import type { Settings } from '../config/index.js';
import { loadKeyring, rotateKeyring } from '../signing/index.js';

/**
 * `portage signing-keys list [--jwks]`: the published signing keys, one line
 * each (kid, status, dates), or the JWKS that `GET /v1/signing-keys` serves.
 * Creates the first key when the keyring is empty, as a server start would.
 */
export async function listSigningKeys(
  settings: Settings,
  options: { jwks?: boolean },
): Promise<string> {
  const keyring = await loadKeyring(settings);
  if (options.jwks === true) return `${JSON.stringify(keyring.jwks(), null, 2)}\n`;
  return keyring
    .publicKeys()
    .map(
      (k) =>
        `${k.kid}  ${k.status.padEnd(7)}  created ${k.created_at}${k.retired_at === null ? '' : `  retired ${k.retired_at}`}\n`,
    )
    .join('');
}

/**
 * `portage signing-keys rotate`: makes a new active key; the previous one stays
 * published as retired, so exports it signed still verify.
 */
export async function rotateSigningKeys(settings: Settings): Promise<string> {
  const { active, retired } = await rotateKeyring(settings);
  return [
    `New active signing key: ${active.kid}`,
    ...retired.map((k) => `Retired (still published, verifies older exports): ${k.kid}`),
    'Every running process that shares this keyring folder signs with the new key from its next audit export, and publishes it from its next key request; none needs a restart.',
    '',
  ].join('\n');
}
