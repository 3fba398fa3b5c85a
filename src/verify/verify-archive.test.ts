import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring, publicJwk, type Keyring } from '../signing/index.js';
import {
  auditFiles,
  flipByte,
  sumsOf,
  writeArchive,
  type ArchiveFiles,
} from '../../test/support/audit-archive-fixture.js';
import { readTrustedKeys, type TrustedKey } from './trusted-keys.js';
import { verifyArchive } from './verify-archive.js';

let dir: string;
let keyring: Keyring;
let trusted: TrustedKey[];
let good: ArchiveFiles;
let signature: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-verify-'));
  keyring = await loadKeyring({ signingKeyFile: null, signingKeysDir: join(dir, 'keys') });
  trusted = await readTrustedKeys(JSON.stringify(keyring.jwks()));
  good = auditFiles(keyring.active.kid);
  signature = keyring.active.sign(good.get('manifest.json') ?? Buffer.alloc(0));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let count = 0;
async function archive(files: ArchiveFiles, options: Parameters<typeof writeArchive>[2] = {}) {
  const file = join(dir, `archive-${++count}.zip`);
  await writeArchive(file, files, { signature, sums: sumsOf(good), ...options });
  return file;
}
const withFile = (path: string, change: (bytes: Buffer) => Buffer) =>
  new Map([...good].map(([p, bytes]) => [p, p === path ? change(bytes) : bytes]));

describe('verifyArchive', () => {
  it('verifies a signed audit archive with the trusted key', async () => {
    const result = await verifyArchive(await archive(good), { keys: trusted });
    expect(result.firstFailure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.signature).toBe('verified');
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['entries', 'passed'],
      ['SHA256SUMS', 'passed'],
      ['completeness', 'passed'],
      ['manifest', 'passed'],
      ['content_sha256', 'passed'],
      ['signature', 'passed'],
    ]);
  });

  it('without a trusted key checks everything else and says the signature was not checked', async () => {
    const result = await verifyArchive(await archive(good));
    expect(result.ok).toBe(true);
    expect(result.signature).toBe('not_checked');
    expect(result.checks.at(-1)).toMatchObject({ name: 'signature', status: 'skipped' });
    expect(result.checks.at(-1)?.detail).toMatch(/NOT checked against a trusted key/);
  });

  for (const path of [
    'data/tasks.json',
    'schemas/users.schema.json',
    'attachments/files/spec sheet.txt',
    'README.md',
    'manifest.json',
  ]) {
    it(`names ${path} when one byte of it is flipped`, async () => {
      const result = await verifyArchive(await archive(withFile(path, (b) => flipByte(b))), {
        keys: trusted,
      });
      expect(result.ok).toBe(false);
      expect(result.firstFailure?.path).toBe(path);
      expect(result.firstFailure?.reason).toMatch(
        /sha256 is [0-9a-f]{64}, SHA256SUMS line \d+ says/,
      );
    });
  }

  it('names manifest.sig when one byte of it is flipped', async () => {
    const result = await verifyArchive(await archive(good, { signature: flipByte(signature) }), {
      keys: trusted,
    });
    expect(result.firstFailure).toEqual({
      path: 'manifest.sig',
      reason: `not a valid Ed25519 signature of manifest.json under key ${keyring.active.kid}`,
    });
  });

  it('names the data file changed together with its SHA256SUMS line, from the manifest record', async () => {
    const files = withFile('data/users.json', (b) => flipByte(b));
    const result = await verifyArchive(await archive(files, { sums: sumsOf(files) }), {
      keys: trusted,
    });
    expect(result.firstFailure?.path).toBe('data/users.json');
    expect(result.firstFailure?.reason).toMatch(/manifest\.json records/);
  });

  it('catches an attachment changed together with SHA256SUMS by the content digest', async () => {
    const files = withFile('attachments/files/spec sheet.txt', (b) => flipByte(b));
    const result = await verifyArchive(await archive(files, { sums: sumsOf(files) }), {
      keys: trusted,
    });
    expect(result.firstFailure?.path).toBe('manifest.json');
    expect(result.firstFailure?.reason).toMatch(/^content_sha256 is [0-9a-f]{64}, but the 5 files/);
  });

  it('names a file that SHA256SUMS does not list', async () => {
    const files = new Map([...good, ['data/extra.json', Buffer.from('{}')]]);
    const result = await verifyArchive(await archive(files), { keys: trusted });
    expect(result.firstFailure).toEqual({
      path: 'data/extra.json',
      reason: 'in the archive but not listed in SHA256SUMS',
    });
  });

  it('names a file SHA256SUMS lists that is missing', async () => {
    const files = new Map([...good].filter(([path]) => path !== 'schemas/tasks.schema.json'));
    const result = await verifyArchive(await archive(files), { keys: trusted });
    expect(result.firstFailure?.path).toBe('schemas/tasks.schema.json');
    expect(result.firstFailure?.reason).toMatch(
      /listed in SHA256SUMS \(line \d+\) but not in the archive/,
    );
  });

  it('refuses an entry path that climbs out of the folder', async () => {
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from('x'), 'aa/evil.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    const bytes = Buffer.from(
      Buffer.concat(chunks).toString('latin1').replaceAll('aa/evil.txt', '../evil.txt'),
      'latin1',
    );
    const file = join(dir, 'unsafe.zip');
    await writeFile(file, bytes);
    const result = await verifyArchive(file);
    expect(result.firstFailure?.path).toBe('../evil.txt');
    expect(result.firstFailure?.reason).toMatch(/^unsafe entry path: /);
  });

  it('fails a signature made by a key that is not trusted, naming both kids', async () => {
    const other = await readTrustedKeys(
      JSON.stringify({ keys: [publicJwk(generateKeyPairSync('ed25519').publicKey)] }),
    );
    const result = await verifyArchive(await archive(good), { keys: other });
    expect(result.firstFailure?.path).toBe('manifest.sig');
    expect(result.firstFailure?.reason).toContain(
      `signed with key ${keyring.active.kid}, which is not among the trusted keys (${other[0]?.kid})`,
    );
  });

  it('fails an audit archive without manifest.sig', async () => {
    const result = await verifyArchive(await archive(good, { signature: null }));
    expect(result.firstFailure).toEqual({
      path: 'manifest.sig',
      reason: 'missing: an audit export is always signed',
    });
  });

  it('fails a file that is not a zip archive, naming it', async () => {
    const file = join(dir, 'not-a.zip');
    await writeFile(file, 'hello');
    const result = await verifyArchive(file);
    expect(result.firstFailure?.path).toBe(file);
    expect(result.firstFailure?.reason).toMatch(/^not a readable zip archive/);
  });
});

describe('readTrustedKeys', () => {
  it('reads a PEM file, a JWKS file and inline JWKS JSON to the same kid', async () => {
    const pem = join(dir, 'key.pem');
    const jwks = join(dir, 'jwks.json');
    const published = keyring.publicKeys()[0];
    await writeFile(pem, published?.publicKeyPem ?? '');
    await writeFile(jwks, JSON.stringify(keyring.jwks()));
    for (const source of [pem, jwks, await readFile(jwks, 'utf8')]) {
      expect((await readTrustedKeys(source)).map((k) => k.kid)).toEqual([keyring.active.kid]);
    }
  });

  it('rejects a file without an Ed25519 public key', async () => {
    const file = join(dir, 'rsa.pem');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await writeFile(file, publicKey.export({ type: 'spki', format: 'pem' }));
    await expect(readTrustedKeys(file)).rejects.toThrow(/no Ed25519 public key/);
  });
});
