import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { extractArchive, type ExtractedArchive } from '../support/archive.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer } from '../support/portage-server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');

async function auditExport(
  dataDir: string,
): Promise<{ archive: ExtractedArchive; baseUrl: string; close: () => Promise<void> }> {
  const server = await startServer({}, { dataDir });
  const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
    body: { purpose: 'audit', formats: ['json', 'jsonl'] },
  });
  expect(created.response.status).toBe(202);
  const done = await waitForExport(server.baseUrl, server.keys.acme!, created.data!.id);
  expect(done.status).toBe('completed');
  const archive = await extractArchive(
    Buffer.from(await (await fetch(done.download_url as string)).arrayBuffer()),
  );
  return { archive, baseUrl: server.baseUrl, close: () => server.close() };
}

describe('audit exports: reproducible, timestamped, signed', () => {
  let dataDir: string;
  let first: ExtractedArchive;
  let second: ExtractedArchive;
  let firstManifest: Manifest;
  let secondManifest: Manifest;
  let pem: string;
  let jwks: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portage-audit-'));
    const a = await auditExport(dataDir);
    first = a.archive;
    await a.close();
    // A restart of the server between the two exports.
    const b = await auditExport(dataDir);
    second = b.archive;
    firstManifest = await first.json<Manifest>('manifest.json');
    secondManifest = await second.json<Manifest>('manifest.json');
    pem = await (
      await fetch(
        new URL(`/v1/signing-keys/${secondManifest.export.signing_key_id}.pem`, b.baseUrl),
      )
    ).text();
    jwks = await (await fetch(new URL('/v1/signing-keys', b.baseUrl))).text();
    await b.close();
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('writes byte-identical data files and the same content_sha256 across a restart', async () => {
    expect(secondManifest.content_sha256).toBe(firstManifest.content_sha256);
    expect(secondManifest.export.generated_at).not.toBe(firstManifest.export.generated_at);
    const files = firstManifest.categories.flatMap((c) =>
      c.included ? c.files.map((f) => f.path) : [],
    );
    expect(files.length).toBeGreaterThan(20);
    for (const path of files) expect(await second.read(path), path).toBe(await first.read(path));
  });

  it('writes canonical records: keys sorted, as RFC 8785 requires', async () => {
    const line = (await first.read('data/tasks.jsonl')).split('\n')[0]!;
    const keys = Object.keys(JSON.parse(line) as object);
    expect(keys).toEqual([...keys].sort());
  });

  it('signs manifest.json with a published key that openssl accepts', async () => {
    expect(firstManifest.export.signing_key_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secondManifest.export.signing_key_id).toBe(firstManifest.export.signing_key_id);
    expect((JSON.parse(jwks) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toContain(
      firstManifest.export.signing_key_id,
    );
    await writeFile(join(first.dir, '..', 'key.pem'), pem);
    const verify = (dir: string) =>
      run('openssl', [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        join(first.dir, '..', 'key.pem'),
        '-rawin',
        '-in',
        join(dir, 'manifest.json'),
        '-sigfile',
        join(dir, 'manifest.sig'),
      ]);
    const { stdout } = await verify(first.dir);
    expect(stdout).toMatch(/Signature Verified Successfully/);
    expect((await readFile(join(first.dir, 'manifest.sig'))).length).toBe(64);
    const manifest = await readFile(join(first.dir, 'manifest.json'), 'utf8');
    await writeFile(join(first.dir, 'manifest.json'), manifest.replace('"rows": 1,', '"rows": 2,'));
    await expect(verify(first.dir)).rejects.toThrow();
  });

  it('passes portage verify with the published JWKS, and names a tampered file', async () => {
    const keyFile = join(second.dir, '..', 'jwks.json');
    await writeFile(keyFile, jwks);
    const { stdout } = await run('node', [BIN, 'verify', second.zipFile, '--key', keyFile]);
    expect(stdout).toMatch(/signature/i);
    const bytes = await readFile(second.zipFile);
    const tampered = join(second.dir, '..', 'tampered.zip');
    // Flip one byte of the stored manifest.json, found by its local header name.
    const at = bytes.indexOf(Buffer.from('manifest.json')) + 40;
    bytes[at] = bytes[at]! ^ 0xff;
    await writeFile(tampered, bytes);
    const failed = await run('node', [BIN, 'verify', tampered, '--key', keyFile]).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect((failed as { code: number }).code).toBe(1);
    const said = failed.stdout + (failed as { stderr: string }).stderr;
    expect(said).toContain('manifest.json');
  });
});
