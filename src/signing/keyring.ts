import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import { keyId, publicJwk, publicKeyPem, type Ed25519Jwk } from './key-id.js';
import {
  INDEX_FILE,
  readIndex,
  withFolderLock,
  writeIndex,
  type KeyRecord,
} from './keyring-folder.js';

/** The settings a keyring is loaded from. */
export type KeyringSettings = Pick<Settings, 'signingKeyFile' | 'signingKeysDir'>;

/** The key that signs new audit exports. */
export interface ActiveSigningKey {
  /** Goes into `manifest.json` as `export.signing_key_id`. */
  readonly kid: string;
  /** The raw 64-byte Ed25519 signature of `bytes` (the content of `manifest.sig`). */
  sign(bytes: Uint8Array): Buffer;
}

/** A public key the keyring publishes. */
export interface PublishedKey {
  readonly kid: string;
  /** SPKI PEM, as served at `GET /v1/signing-keys/{kid}.pem`. */
  readonly publicKeyPem: string;
  readonly jwk: Ed25519Jwk;
  /** `active` signs new exports; `retired` keys only verify older ones. */
  readonly status: 'active' | 'retired';
  readonly created_at: string;
  readonly retired_at: string | null;
}

/** A JSON Web Key Set (RFC 7517). */
export interface Jwks {
  readonly keys: readonly Ed25519Jwk[];
}

/** The signing keys of this Portage: one active private key and every public key that ever signed. */
export interface Keyring {
  readonly active: ActiveSigningKey;
  /** Every published key, the active one first, then retired ones newest first. */
  publicKeys(): readonly PublishedKey[];
  /** The public key with this kid, if published. */
  publicKey(kid: string): PublishedKey | undefined;
  /** The published keys as RFC 8037 OKP/Ed25519 JWKs, for `GET /v1/signing-keys`. */
  jwks(): Jwks;
  /**
   * Reads the keyring folder again if it changed since it was last read, so
   * that a rotation made by any process takes effect here at the next audit
   * export or key request, without a restart.
   */
  refresh(): Promise<void>;
}

/**
 * Loads the keyring. With `PORTAGE_SIGNING_KEY_FILE` set, that key is active
 * (and recorded in the folder, retiring the previous active key, so switching
 * the file is a rotation). Without it, the folder's own active key is used; on
 * the first start one is generated there (private key file mode 0600), and every
 * later start, by any process sharing the folder, loads that same key.
 *
 * {@link Keyring.refresh} follows later changes of the folder: a rotation
 * (`portage signing-keys rotate`) makes its new key active in every process
 * sharing the folder. With `PORTAGE_SIGNING_KEY_FILE`, the file's key stays
 * this process's active key until it restarts (so that processes given
 * different files during a roll do not take the folder back from each
 * other); only the published keys follow the folder.
 *
 * @throws ConfigError naming the setting or file that cannot be used.
 */
export async function loadKeyring(settings: KeyringSettings): Promise<Keyring> {
  const dir = await openFolder(settings.signingKeysDir);
  let stamp = await folderStamp(dir);
  let current = await readKeyring(settings, dir);
  return {
    get active() {
      return current.active;
    },
    publicKeys: () => current.publicKeys(),
    publicKey: (kid) => current.publicKey(kid),
    jwks: () => current.jwks(),
    async refresh() {
      const seen = await folderStamp(dir);
      if (seen === stamp) return;
      current =
        settings.signingKeyFile === null
          ? await readKeyring(settings, dir)
          : keyringOf(current.privateKey, await readIndex(dir));
      stamp = seen;
    },
  };
}

/** What identifies a version of the folder's index: its modification time and size. */
async function folderStamp(dir: string): Promise<string> {
  try {
    const info = await stat(join(dir, INDEX_FILE));
    return `${info.mtimeMs}:${info.size}`;
  } catch {
    return 'none';
  }
}

/** One reading of the keyring, as {@link loadKeyring} describes. */
async function readKeyring(settings: KeyringSettings, dir: string): Promise<KeyringSnapshot> {
  if (settings.signingKeyFile !== null) {
    const privateKey = await readPrivateKey(settings.signingKeyFile, 'PORTAGE_SIGNING_KEY_FILE');
    const pem = publicKeyPem(createPublicKey(privateKey));
    const kid = keyId(createPublicKey(privateKey));
    const isActive = (records: KeyRecord[]) =>
      records.some((r) => r.kid === kid && r.status === 'active');
    let records = await readIndex(dir);
    if (!isActive(records)) {
      records = await withFolderLock(dir, async () => {
        const current = await readIndex(dir);
        if (isActive(current)) return current;
        return activate(dir, current, { kid, private_key_file: null, public_key_pem: pem });
      });
    }
    return keyringOf(privateKey, records);
  }
  const activeFile = (records: KeyRecord[]) =>
    records.find((r) => r.status === 'active' && r.private_key_file !== null);
  let records = await readIndex(dir);
  if (activeFile(records) === undefined) {
    records = await withFolderLock(dir, async () => {
      const current = await readIndex(dir);
      return activeFile(current) === undefined ? generateKey(dir, current) : current;
    });
  }
  const active = activeFile(records);
  if (active?.private_key_file == null) throw new ConfigError(`${dir}: no active signing key`);
  const privateKey = await readPrivateKey(
    join(dir, active.private_key_file),
    'PORTAGE_SIGNING_KEYS_DIR',
  );
  if (keyId(createPublicKey(privateKey)) !== active.kid) {
    throw new ConfigError(`${join(dir, active.private_key_file)} is not the key ${active.kid}`);
  }
  return keyringOf(privateKey, records);
}

/**
 * Makes a new active key in the keyring folder; the previous one is retired: its
 * public key stays published, its private key file is deleted.
 *
 * @throws ConfigError when the active key comes from `PORTAGE_SIGNING_KEY_FILE`
 * (rotate by pointing that setting at a new key file instead).
 */
export async function rotateKeyring(
  settings: KeyringSettings,
): Promise<{ readonly active: PublishedKey; readonly retired: readonly PublishedKey[] }> {
  if (settings.signingKeyFile !== null) {
    throw new ConfigError(
      `The active signing key comes from PORTAGE_SIGNING_KEY_FILE (${settings.signingKeyFile}). To rotate it, write a new key (openssl genpkey -algorithm ed25519 -out new-key.pem), point PORTAGE_SIGNING_KEY_FILE at it and restart: the previous key stays published as retired.`,
    );
  }
  const dir = await openFolder(settings.signingKeysDir);
  const before = await readIndex(dir);
  const records = await withFolderLock(dir, async () => generateKey(dir, await readIndex(dir)));
  const published = records.map(publishedKey);
  const wasActive = new Set(before.filter((r) => r.status === 'active').map((r) => r.kid));
  const active = published.find((k) => k.status === 'active');
  if (active === undefined) throw new ConfigError(`${dir}: rotation left no active key`);
  return {
    active,
    retired: published.filter((k) => wasActive.has(k.kid) && k.status === 'retired'),
  };
}

async function openFolder(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (caught) {
    throw new ConfigError(`PORTAGE_SIGNING_KEYS_DIR: ${dir}: ${toError(caught).message}`);
  }
  return dir;
}

async function readPrivateKey(file: string, setting: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(file));
  } catch (caught) {
    throw new ConfigError(
      `${setting}: ${file} is not a readable PKCS#8 PEM private key (${toError(caught).message})`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(
      `${setting}: ${file} holds a ${key.asymmetricKeyType ?? 'secret'} key, not Ed25519`,
    );
  }
  return key;
}

/** Call with the folder lock held: writes a new private key and makes it active. */
async function generateKey(dir: string, records: KeyRecord[]): Promise<KeyRecord[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = keyId(publicKey);
  const file = `${kid}.key.pem`;
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFile(join(dir, file), pem, { mode: 0o600, flag: 'wx' });
  return activate(dir, records, {
    kid,
    private_key_file: file,
    public_key_pem: publicKeyPem(publicKey),
  });
}

/** Call with the folder lock held: makes `key` the one active key, retires the others. */
async function activate(
  dir: string,
  records: KeyRecord[],
  key: Pick<KeyRecord, 'kid' | 'private_key_file' | 'public_key_pem'>,
): Promise<KeyRecord[]> {
  const now = new Date().toISOString();
  const previous = records.find((r) => r.kid === key.kid);
  const others = records
    .filter((r) => r.kid !== key.kid)
    .map((r): KeyRecord =>
      r.status === 'active'
        ? { ...r, status: 'retired', retired_at: now, private_key_file: null }
        : r,
    );
  const next: KeyRecord[] = [
    ...others,
    { ...key, status: 'active', created_at: previous?.created_at ?? now, retired_at: null },
  ];
  await writeIndex(dir, next);
  // Only once the index no longer names them: a retired key never signs again.
  for (const r of records) {
    if (r.private_key_file !== null && r.kid !== key.kid) {
      await rm(join(dir, r.private_key_file), { force: true });
    }
  }
  return next;
}

function publishedKey(record: KeyRecord): PublishedKey {
  const publicKey = createPublicKey(record.public_key_pem);
  return {
    kid: record.kid,
    publicKeyPem: publicKeyPem(publicKey),
    jwk: publicJwk(publicKey),
    status: record.status,
    created_at: record.created_at,
    retired_at: record.retired_at,
  };
}

/** The keyring as read once: the active private key and the folder's records. */
interface KeyringSnapshot extends Omit<Keyring, 'refresh'> {
  readonly privateKey: KeyObject;
}

function keyringOf(privateKey: KeyObject, records: readonly KeyRecord[]): KeyringSnapshot {
  const kid = keyId(createPublicKey(privateKey));
  const keys = [...records]
    .map(publishedKey)
    .sort((a, b) =>
      a.status !== b.status
        ? a.status === 'active'
          ? -1
          : 1
        : (b.retired_at ?? b.created_at).localeCompare(a.retired_at ?? a.created_at),
    );
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  return {
    privateKey,
    active: { kid, sign: (bytes) => sign(null, bytes, privateKey) },
    publicKeys: () => keys,
    publicKey: (wanted) => byKid.get(wanted),
    jwks: () => ({ keys: keys.map((k) => k.jwk) }),
  };
}
