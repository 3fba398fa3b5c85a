import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring, type Keyring } from '../signing/index.js';
import {
  auditFiles,
  flipByte,
  sumsOf,
  writeArchive,
} from '../../test/support/audit-archive-fixture.js';
import { listSigningKeys, rotateSigningKeys } from './signing-command.js';
import { verifyCommand } from './verify-command.js';
import { loadSettings } from '../config/index.js';

let dir: string;
let keyring: Keyring;
let goodZip: string;
let jwksFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-verify-cli-'));
  keyring = await loadKeyring({ signingKeyFile: null, signingKeysDir: join(dir, 'keys') });
  goodZip = join(dir, 'good.zip');
  await writeArchive(goodZip, auditFiles(keyring.active.kid), { signer: keyring.active });
  jwksFile = join(dir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify(keyring.jwks()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function verify(file: string, keys: string[]) {
  let out = '';
  let err = '';
  const code = await verifyCommand(
    file,
    keys,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

describe('portage verify', () => {
  it('exits 0 and says the signature was verified with --key', async () => {
    const { code, out } = await verify(goodZip, [jwksFile]);
    expect(code).toBe(0);
    expect(out).toContain(
      'OK: every checksum matches and the signature was verified with a trusted key.',
    );
  });

  it('exits 0 without --key and says plainly the signature was not checked', async () => {
    const { code, out } = await verify(goodZip, []);
    expect(code).toBe(0);
    expect(out).toMatch(/The signature was NOT checked against a trusted key/);
  });

  it('exits 1 naming the first file that does not match', async () => {
    const files = auditFiles(keyring.active.kid);
    const manifest = files.get('manifest.json') ?? Buffer.alloc(0);
    const bad = join(dir, 'bad.zip');
    const sums = sumsOf(files);
    files.set('data/users.json', flipByte(files.get('data/users.json') ?? Buffer.alloc(1)));
    await writeArchive(bad, files, { signature: keyring.active.sign(manifest), sums });
    const { code, out } = await verify(bad, [jwksFile]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /\nFAILED: data\/users\.json: sha256 is [0-9a-f]{64}, SHA256SUMS line \d+ says [0-9a-f]{64}\n$/,
    );
  });

  it('exits 2 when a --key cannot be read', async () => {
    const { code, err } = await verify(goodZip, [join(dir, 'missing.pem')]);
    expect(code).toBe(2);
    expect(err).toMatch(/^portage verify: --key .*missing\.pem: ENOENT/);
  });
});

describe('portage signing-keys', () => {
  it('rotate prints the new and retired kids; list shows both', async () => {
    const settings = loadSettings({ PORTAGE_DATA_DIR: join(dir, 'data') }, dir);
    const before = await listSigningKeys(settings, {});
    const kid = before.split(' ')[0] ?? '';
    const rotated = await rotateSigningKeys(settings);
    expect(rotated).toContain(`Retired (still published, verifies older exports): ${kid}`);
    const after = await listSigningKeys(settings, {});
    expect(after.split('\n')[1]).toMatch(new RegExp(`^${kid}  retired`));
    const jwks = JSON.parse(await listSigningKeys(settings, { jwks: true })) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(2);
  });
});
