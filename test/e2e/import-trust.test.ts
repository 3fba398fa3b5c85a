import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../src/config/index.js';
import { importBundle, SqliteWriter, type ImportOptions } from '../../src/import/index.js';
import { ImportRunner, produceArchive, type ExportContext } from '../../src/jobs/index.js';
import { loadKeyring, type Keyring } from '../../src/signing/index.js';
import { SqliteSource } from '../../src/sources/index.js';
import { openStore, type ImportOutcome } from '../../src/store/index.js';
import { verifyArchive, type TrustedKey } from '../../src/verify/index.js';
import {
  catalog,
  demoCopy,
  editBundle,
  includedCategories,
  readZip,
  type TestPlatform,
} from './import-fixtures.js';

/**
 * Duplication bundles are signed like audit exports, and an import trusts a
 * bundle only when its signature verifies under this deployment's keyring or
 * a key of PORTAGE_IMPORT_TRUSTED_KEYS (SPEC §12.1).
 */

const run = promisify(execFile);

async function newKeyring(): Promise<Keyring> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-keyring-'));
  return loadKeyring({ signingKeyFile: null, signingKeysDir: dir });
}

function keysOf(keyring: Keyring): TrustedKey[] {
  return keyring.publicKeys().map((k) => ({ kid: k.kid, key: createPublicKey(k.publicKeyPem) }));
}

/** A duplication bundle of acme, signed by `keyring`, as a deployment's export writes it. */
async function signedBundle(platform: TestPlatform, keyring: Keyring): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'portage-signed-')), 'acme.zip');
  const source = new SqliteSource(platform.db);
  const output = createWriteStream(file);
  try {
    await produceArchive(
      {
        exportId: 'exp_signed_bundle',
        tenant: 'acme',
        purpose: 'duplication',
        formats: ['bundle'],
        categories: includedCategories,
        csv: { bom: false, formulaProtection: false },
        generatedAt: new Date('2025-01-01T00:00:00.000Z'),
      },
      { catalog, source, settings: { filesDir: platform.filesDir }, keyring },
      output,
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await finished(output);
    return file;
  } finally {
    await source.close();
  }
}

/** A dry run of `file` into sandbox (remap), so that the same platform serves every case. */
async function dryImport(platform: TestPlatform, file: string, options: Partial<ImportOptions>) {
  const target = new SqliteWriter(platform.db);
  try {
    return await importBundle({
      file,
      catalog,
      target,
      tenant: 'sandbox',
      mode: 'remap',
      dryRun: true,
      filesDir: platform.filesDir,
      ...options,
    });
  } finally {
    await target.close();
  }
}

describe('signed duplication bundles', () => {
  let platform: TestPlatform;
  let ours: Keyring;
  let theirs: Keyring;
  let bundle: string;

  beforeAll(async () => {
    platform = await demoCopy();
    ours = await newKeyring();
    theirs = await newKeyring();
    bundle = await signedBundle(platform, ours);
  });

  it('carries manifest.sig, which openssl verifies like an audit export', async () => {
    const entries = await readZip(bundle);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
      export: { signing_key_id: string };
    };
    expect(manifest.export.signing_key_id).toBe(ours.active.kid);
    const dir = await mkdtemp(join(tmpdir(), 'portage-openssl-'));
    await writeFile(join(dir, 'manifest.json'), entries.get('manifest.json')!);
    await writeFile(join(dir, 'manifest.sig'), entries.get('manifest.sig')!);
    await writeFile(join(dir, 'key.pem'), ours.publicKey(ours.active.kid)!.publicKeyPem);
    const { stdout } = await run('openssl', [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      join(dir, 'key.pem'),
      '-rawin',
      '-in',
      join(dir, 'manifest.json'),
      '-sigfile',
      join(dir, 'manifest.sig'),
    ]);
    expect(stdout).toMatch(/Signature Verified Successfully/);
  });

  it('passes portage verify with the signing key, and fails it with another', async () => {
    const verified = await verifyArchive(bundle, { keys: keysOf(ours) });
    expect(verified.ok).toBe(true);
    expect(verified.signature).toBe('verified');
    expect((await verifyArchive(bundle, { keys: keysOf(theirs) })).ok).toBe(false);
  });

  it("is trusted when signed by this deployment's keyring", async () => {
    const result = await dryImport(platform, bundle, { trustedKeys: keysOf(ours) });
    expect(result.error).toBeNull();
    expect(result.trusted).toBe(true);
  });

  it('is untrusted when signed by a key nobody trusts, or not signed', async () => {
    const other = await dryImport(platform, bundle, { trustedKeys: keysOf(theirs) });
    // An untrusted bundle may not write the platform's billing and history records.
    expect(other.error?.code).toBe('untrusted_bundle');
    expect(other.trusted).toBe(false);
    const unsigned = await editBundle(bundle, (p, b) => (p === 'manifest.sig' ? null : b), false);
    const result = await dryImport(platform, unsigned, { trustedKeys: keysOf(ours) });
    // An untrusted bundle may not write the platform's billing and history records.
    expect(result.error?.code).toBe('untrusted_bundle');
    expect(result.trusted).toBe(false);
  });

  it('is untrusted once forged and resealed without its signature', async () => {
    const forged = await editBundle(
      bundle,
      (path, bytes) => {
        if (path === 'manifest.sig') return null;
        if (path !== 'data/tasks.jsonl') return bytes;
        return Buffer.from(bytes.toString('utf8').replace('"title":"', '"title":"forged '));
      },
      true,
    );
    const result = await dryImport(platform, forged, { trustedKeys: keysOf(ours) });
    // An untrusted bundle may not write the platform's billing and history records.
    expect(result.error?.code).toBe('untrusted_bundle');
    expect(result.trusted).toBe(false);
  });

  it('is refused when it names a trusted key but was changed after it was signed', async () => {
    // Resealed checksums, the original signature kept: the signature no longer matches.
    const forged = await editBundle(
      bundle,
      (path, bytes) =>
        path === 'data/tasks.jsonl'
          ? Buffer.from(bytes.toString('utf8').replace('"title":"', '"title":"forged '))
          : bytes,
      true,
    );
    const result = await dryImport(platform, forged, { trustedKeys: keysOf(ours) });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('checksum_mismatch');
    expect(result.error?.message).toMatch(/changed after it was signed/);
    // A document the signed manifest covers (bundle.json), changed with SHA256SUMS rebuilt.
    const header = await editBundle(
      bundle,
      (path, bytes) => (path === 'bundle.json' ? Buffer.from(bytes.toString('utf8') + ' ') : bytes),
      false,
    );
    const resealed = await editBundle(header, (_p, b) => b, true);
    const sums = await readZip(resealed);
    expect(sums.has('manifest.sig')).toBe(true);
    const changed = await dryImport(platform, resealed, { trustedKeys: keysOf(ours) });
    expect(changed.error?.code).toBe('checksum_mismatch');
  });

  describe('the import runner', () => {
    async function runImport(env: Record<string, string>, keyring: Keyring) {
      const dir = await mkdtemp(join(tmpdir(), 'portage-trust-runner-'));
      const store = await openStore(join(dir, 'state.sqlite'));
      await store.tenants.upsert('sandbox', 'Sandbox');
      const upload = join(dir, 'upload.zip');
      await copyFile(bundle, upload);
      const record = await store.imports.create({
        id: store.imports.newId(),
        tenantId: 'sandbox',
        mode: 'remap',
        dryRun: true,
        uploadKey: upload,
        uploadBytes: 1,
      });
      const settings = loadSettings({
        PORTAGE_DATA_DIR: dir,
        PORTAGE_SOURCE_URL: platform.db,
        PORTAGE_FILES_DIR: platform.filesDir,
        ...env,
      });
      const finish = vi.spyOn(store.imports, 'finish');
      const runner = new ImportRunner({ settings, store, catalog, keyring } as ExportContext);
      try {
        runner.submit(record);
        await runner.drain();
        const outcome = finish.mock.calls[0]?.[2] as ImportOutcome & { trusted?: boolean };
        // Trusted, it completes; untrusted, the platform-owned records of the demo refuse it.
        expect(outcome.error?.code ?? null).toBe(outcome.trusted ? null : 'untrusted_bundle');
        return outcome;
      } finally {
        await store.close();
      }
    }

    it("trusts this deployment's own bundles", async () => {
      expect((await runImport({}, ours)).trusted).toBe(true);
    });

    it("trusts another deployment's bundles only with its JWKS in PORTAGE_IMPORT_TRUSTED_KEYS", async () => {
      expect((await runImport({}, theirs)).trusted).toBe(false);
      const jwks = join(await mkdtemp(join(tmpdir(), 'portage-jwks-')), 'old-platform.jwks.json');
      await writeFile(jwks, JSON.stringify(ours.jwks()));
      const trusted = await runImport({ PORTAGE_IMPORT_TRUSTED_KEYS: jwks }, theirs);
      expect(trusted.trusted).toBe(true);
    });
  });
});
