import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../config/index.js';
import { auditFiles, writeArchive } from '../../test/support/audit-archive-fixture.js';
import { readTrustedKeys, verifyArchive } from '../verify/index.js';
import { keyId } from './key-id.js';
import { loadKeyring, rotateKeyring, type KeyringSettings } from './keyring.js';

let dir: string;
let settings: KeyringSettings;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-keyring-'));
  settings = { signingKeyFile: null, signingKeysDir: join(dir, 'signing-keys') };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('keyring', () => {
  it('derives the kid as the RFC 7638 thumbprint (RFC 8037 appendix A.3)', () => {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      format: 'jwk',
    });
    expect(keyId(key)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('creates a key on first load, private file mode 0600, and loads the same key afterwards', async () => {
    const first = await loadKeyring(settings);
    const privateFile = join(settings.signingKeysDir, `${first.active.kid}.key.pem`);
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    const again = await loadKeyring(settings);
    expect(again.active.kid).toBe(first.active.kid);
    const signature = again.active.sign(Buffer.from('manifest bytes'));
    expect(signature).toHaveLength(64);
    const published = first.publicKey(first.active.kid);
    expect(
      verify(null, Buffer.from('manifest bytes'), published?.publicKeyPem ?? '', signature),
    ).toBe(true);
  });

  it('creates exactly one key when several processes start together', async () => {
    const loaded = await Promise.all(Array.from({ length: 6 }, () => loadKeyring(settings)));
    expect(new Set(loaded.map((k) => k.active.kid)).size).toBe(1);
    expect(loaded[0]?.publicKeys()).toHaveLength(1);
  });

  it('publishes RFC 8037 JWKs with kid, alg EdDSA and use sig', async () => {
    const keyring = await loadKeyring(settings);
    const [jwk] = keyring.jwks().keys;
    expect(jwk).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: keyring.active.kid,
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(Object.keys(jwk ?? {}).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk?.x).toMatch(/^[\w-]{43}$/);
  });

  it('rotation makes a new active key and keeps archives signed by the old one verifiable via the JWKS', async () => {
    const old = await loadKeyring(settings);
    const zipFile = join(dir, 'old.zip');
    await writeArchive(zipFile, auditFiles(old.active.kid), { signer: old.active });

    const { active, retired } = await rotateKeyring(settings);
    const now = await loadKeyring(settings);
    expect(now.active.kid).toBe(active.kid);
    expect(active.kid).not.toBe(old.active.kid);
    expect(retired.map((k) => k.kid)).toEqual([old.active.kid]);
    expect(now.publicKeys().map((k) => [k.kid, k.status])).toEqual([
      [active.kid, 'active'],
      [old.active.kid, 'retired'],
    ]);
    expect(await readdir(settings.signingKeysDir)).not.toContain(`${old.active.kid}.key.pem`);

    const keys = await readTrustedKeys(JSON.stringify(now.jwks()));
    const result = await verifyArchive(zipFile, { keys });
    expect(result.signature).toBe('verified');
  });

  it('uses PORTAGE_SIGNING_KEY_FILE when set; switching it retires the previous key', async () => {
    const write = async (name: string) => {
      const file = join(dir, name);
      const { privateKey } = generateKeyPairSync('ed25519');
      await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      return file;
    };
    const generated = await loadKeyring(settings);
    const first = await loadKeyring({ ...settings, signingKeyFile: await write('a.pem') });
    const second = await loadKeyring({ ...settings, signingKeyFile: await write('b.pem') });
    expect(second.publicKeys().map((k) => [k.kid, k.status])).toEqual([
      [second.active.kid, 'active'],
      [first.active.kid, 'retired'],
      [generated.active.kid, 'retired'],
    ]);
    await expect(
      rotateKeyring({ ...settings, signingKeyFile: join(dir, 'b.pem') }),
    ).rejects.toThrow(/comes from PORTAGE_SIGNING_KEY_FILE/);
  });

  it('follows a rotation made by another process at its next refresh, without a restart', async () => {
    const running = await loadKeyring(settings);
    const before = running.active.kid;
    const { active } = await rotateKeyring(settings);
    // Until it looks again, the process signs with the key it loaded.
    expect(running.active.kid).toBe(before);
    await running.refresh();
    expect(running.active.kid).toBe(active.kid);
    expect(running.publicKeys().map((k) => [k.kid, k.status])).toEqual([
      [active.kid, 'active'],
      [before, 'retired'],
    ]);
    const signature = running.active.sign(Buffer.from('m'));
    expect(verify(null, Buffer.from('m'), active.publicKeyPem, signature)).toBe(true);
    // Nothing changed since: a refresh keeps everything as it is.
    await running.refresh();
    expect(running.active.kid).toBe(active.kid);
  });

  it('keeps the key of PORTAGE_SIGNING_KEY_FILE active in its process, publishing what others activate', async () => {
    const write = async (name: string) => {
      const file = join(dir, name);
      const { privateKey } = generateKeyPairSync('ed25519');
      await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      return file;
    };
    const old = await loadKeyring({ ...settings, signingKeyFile: await write('old.pem') });
    const renewed = await loadKeyring({ ...settings, signingKeyFile: await write('new.pem') });
    await old.refresh();
    expect(old.active.kid).not.toBe(renewed.active.kid);
    expect(old.publicKey(renewed.active.kid)?.status).toBe('active');
    expect(old.publicKey(old.active.kid)?.status).toBe('retired');
    // And the folder was not taken back: the newer process's key is still the active one there.
    await renewed.refresh();
    expect(renewed.publicKey(renewed.active.kid)?.status).toBe('active');
  });

  it('names the setting when the configured key is not an Ed25519 private key', async () => {
    const file = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(loadKeyring({ ...settings, signingKeyFile: file })).rejects.toThrow(
      /PORTAGE_SIGNING_KEY_FILE: .*rsa\.pem holds a rsa key, not Ed25519/,
    );
  });

  it('refuses a keys.json whose kid does not match its public key', async () => {
    await loadKeyring(settings);
    const index = join(settings.signingKeysDir, 'keys.json');
    await writeFile(
      index,
      (await readFile(index, 'utf8')).replace(/"kid": "[\w-]+"/, '"kid": "forged"'),
    );
    await expect(loadKeyring(settings)).rejects.toThrow(/kid forged does not match its public key/);
  });

  it('reads its two settings, with the folder under the data directory by default', () => {
    const base = loadSettings({ PORTAGE_DATA_DIR: '/srv/portage' }, '/');
    expect(base.signingKeyFile).toBeNull();
    expect(base.signingKeysDir).toBe('/srv/portage/signing-keys');
    const set = loadSettings(
      { PORTAGE_SIGNING_KEY_FILE: 'keys/sign.pem', PORTAGE_SIGNING_KEYS_DIR: '/k' },
      '/etc/portage',
    );
    expect(set.signingKeyFile).toBe('/etc/portage/keys/sign.pem');
    expect(set.signingKeysDir).toBe('/k');
  });
});
