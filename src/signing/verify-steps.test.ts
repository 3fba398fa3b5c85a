import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyRoutes } from '../api/routes/signing-keys.js';
import { handleError } from '../api/problem.js';
import { Problem } from '../api/schemas.js';
import {
  auditFiles,
  flipByte,
  sumsOf,
  writeArchive,
  type ArchiveFiles,
} from '../../test/support/audit-archive-fixture.js';
import { loadKeyring, type Keyring } from './keyring.js';
import {
  OPENSSL_VERIFY_STEPS,
  opensslVerifyMarkdown,
  opensslVerifyScript,
} from './verify-steps.js';

const run = promisify(execFile);
let dir: string;
let keyring: Keyring;
let app: FastifyInstance;
let baseUrl: string;
let good: ArchiveFiles;
let signature: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-openssl-'));
  keyring = await loadKeyring({ signingKeyFile: null, signingKeysDir: join(dir, 'keys') });
  app = Fastify();
  app.setErrorHandler(handleError);
  app.addSchema(Problem);
  signingKeyRoutes(app, keyring);
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  good = auditFiles(keyring.active.kid);
  signature = keyring.active.sign(good.get('manifest.json') ?? Buffer.alloc(0));
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
/** Writes the archive, unzips it with the real unzip and runs the documented commands in its folder. */
async function runSteps(files: ArchiveFiles, options: Parameters<typeof writeArchive>[2] = {}) {
  const root = join(dir, `case-${++count}`);
  await mkdir(root);
  const zipFile = join(root, 'export.zip');
  await writeArchive(zipFile, files, { signature, sums: sumsOf(good), ...options });
  await run('unzip', ['-q', zipFile, '-d', join(root, 'export')]);
  return run('sh', ['-ec', opensslVerifyScript()], {
    cwd: join(root, 'export'),
    env: { ...process.env, PORTAGE_URL: baseUrl, LC_ALL: 'C.UTF-8' },
  });
}
const withFile = (path: string, change: (bytes: Buffer) => Buffer) =>
  new Map([...good].map(([p, bytes]) => [p, p === path ? change(bytes) : bytes]));

describe('OPENSSL_VERIFY_STEPS', () => {
  it('succeed on a good audit archive, with openssl itself checking the signature', async () => {
    const { stdout } = await runSteps(good);
    expect(stdout).toContain('Signature Verified Successfully');
    expect(stdout).toContain('data/tasks.json: OK');
    expect(stdout).toContain('all files listed');
    expect(stdout).toContain('content_sha256 OK');
    expect(stdout).toContain('documents OK');
  });

  const tampered: [string, string, () => [ArchiveFiles, Parameters<typeof writeArchive>[2]]][] = [
    [
      'a byte of a data file',
      'data/tasks.json: FAILED',
      () => [withFile('data/tasks.json', (b) => flipByte(b)), {}],
    ],
    [
      'a byte of a schema file',
      'schemas/tasks.schema.json: FAILED',
      () => [withFile('schemas/tasks.schema.json', (b) => flipByte(b)), {}],
    ],
    [
      'a byte of manifest.json',
      'Signature Verification Failure',
      () => [withFile('manifest.json', (b) => flipByte(b)), {}],
    ],
    [
      'a byte of manifest.sig',
      'Signature Verification Failure',
      () => [good, { signature: flipByte(signature) }],
    ],
    [
      'an attachment, with SHA256SUMS edited to match',
      'FAILED: content_sha256 differs',
      () => {
        const files = withFile('attachments/files/spec sheet.txt', (b) => flipByte(b));
        return [files, { sums: sumsOf(files) }];
      },
    ],
    [
      'README.md, with SHA256SUMS edited to match',
      'FAILED: not as manifest.json records: README.md',
      () => {
        const files = withFile('README.md', (b) => Buffer.concat([b, Buffer.from('Trust me.\n')]));
        return [files, { sums: sumsOf(files) }];
      },
    ],
    [
      'a file SHA256SUMS does not list',
      'FAILED: files and SHA256SUMS differ',
      () => [new Map([...good, ['data/extra.json', Buffer.from('[]')]]), {}],
    ],
  ];
  for (const [what, expected, make] of tampered) {
    it(`fail when ${what} is changed`, async () => {
      const [files, options] = make();
      const failed = (await runSteps(files, options).then(
        () => null,
        (error: unknown) => error,
      )) as { code: number; stdout: string; stderr: string } | null;
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toContain(expected);
    });
  }

  it('render as Markdown with every command in a sh block', () => {
    const text = opensslVerifyMarkdown().join('\n');
    for (const step of OPENSSL_VERIFY_STEPS) {
      for (const line of step.command.split('\n')) expect(text).toContain(`   ${line}`);
    }
    expect(text).toContain(
      'openssl pkeyutl -verify -pubin -inkey ../signing-key.pem -rawin -in manifest.json -sigfile manifest.sig',
    );
  });
});
