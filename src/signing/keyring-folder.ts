import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { toError } from '../errors/index.js';
import { keyId, parsePublicKeyPem } from './key-id.js';
import { ConfigError } from '../config/index.js';

/** One key of the keyring as `keys.json` records it. */
export interface KeyRecord {
  readonly kid: string;
  readonly status: 'active' | 'retired';
  /** When the key became known to the keyring, RFC 3339 UTC. */
  readonly created_at: string;
  readonly retired_at: string | null;
  /** The private key's file name in the folder; null for a configured key, or once retired. */
  readonly private_key_file: string | null;
  /** SPKI PEM of the public key. */
  readonly public_key_pem: string;
}

/** The public index of the keyring folder, `keys.json`: every key that ever signed. */
export const INDEX_FILE = 'keys.json';
const LOCK_FILE = '.lock';
/** A lock older than this is left over from a process that died while holding it. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

/** Reads `keys.json`; an absent file is an empty keyring. */
export async function readIndex(dir: string): Promise<KeyRecord[]> {
  const file = join(dir, INDEX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (caught) {
    const error = toError(caught) as NodeJS.ErrnoException;
    if (error.code === 'ENOENT') return [];
    throw new ConfigError(`${file}: ${error.message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (caught) {
    throw new ConfigError(`${file} is not JSON: ${toError(caught).message}`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new ConfigError(`${file} must hold {"keys": [...]}`);
  return keys.map((key: unknown, i) => checkRecord(key, `${file} keys[${i}]`));
}

/** Replaces `keys.json` atomically (write, then rename), so a reader never sees half of it. */
export async function writeIndex(dir: string, keys: readonly KeyRecord[]): Promise<void> {
  const temp = join(dir, `${INDEX_FILE}.${process.pid}.tmp`);
  await writeFile(temp, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o644 });
  await rename(temp, join(dir, INDEX_FILE));
}

/**
 * Runs `fn` while holding the folder's lock file, so that processes starting
 * together, or a rotation during a start, never create two active keys.
 */
export async function withFolderLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      break;
    } catch (caught) {
      const error = toError(caught) as NodeJS.ErrnoException;
      if (error.code !== 'EEXIST') throw new ConfigError(`${lock}: ${error.message}`);
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline)
        throw new ConfigError(`${lock} is held by another process; remove it if none runs`);
      else await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

function checkRecord(value: unknown, where: string): KeyRecord {
  const r = value as Partial<Record<keyof KeyRecord, unknown>> | null;
  const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (
    r === null ||
    typeof r !== 'object' ||
    !isText(r.kid) ||
    (r.status !== 'active' && r.status !== 'retired') ||
    !isText(r.created_at) ||
    !(r.retired_at === null || isText(r.retired_at)) ||
    !(r.private_key_file === null || isText(r.private_key_file)) ||
    !isText(r.public_key_pem)
  ) {
    throw new ConfigError(`${where} is not a key record`);
  }
  let kid: string;
  try {
    kid = keyId(parsePublicKeyPem(r.public_key_pem));
  } catch (caught) {
    throw new ConfigError(`${where}: public_key_pem is unusable: ${toError(caught).message}`);
  }
  if (kid !== r.kid) throw new ConfigError(`${where}: kid ${r.kid} does not match its public key`);
  return {
    kid,
    status: r.status,
    created_at: r.created_at,
    retired_at: r.retired_at,
    private_key_file: r.private_key_file,
    public_key_pem: r.public_key_pem,
  };
}
