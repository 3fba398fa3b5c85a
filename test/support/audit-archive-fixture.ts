import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { contentSha256, sha256sumsText, ZipWriter } from '../../src/archive/index.js';
import type { ActiveSigningKey } from '../../src/signing/index.js';

/** The files of a small audit-like export, by archive path, without `SHA256SUMS` and `manifest.sig`. */
export type ArchiveFiles = Map<string, Buffer>;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const jsonBytes = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2) + '\n');

/**
 * The files of a small audit export, shaped like the builder's: two data files,
 * their schemas, one attachment, `README.md`, and `manifest.json` recording
 * their sizes, checksums, `content_sha256` and, when `kid` is given,
 * `export.signing_key_id`.
 */
export function auditFiles(kid: string | null): ArchiveFiles {
  const content = new Map<string, Buffer>([
    [
      'data/tasks.json',
      Buffer.from(
        '{"metadata":{"category":"tasks"},"records":[{"id":1,"title":"Plan"},{"id":2,"title":"Ship"}]}\n',
      ),
    ],
    [
      'data/users.json',
      Buffer.from(
        '{"metadata":{"category":"users"},"records":[{"email":"a@example.com","id":1}]}\n',
      ),
    ],
    ['schemas/tasks.schema.json', jsonBytes({ type: 'object', required: ['id', 'title'] })],
    ['schemas/users.schema.json', jsonBytes({ type: 'object', required: ['email', 'id'] })],
    ['attachments/files/spec sheet.txt', Buffer.from('attached file body\n')],
  ]);
  const readme = Buffer.from('# Data export\n\nEvery file is listed in SHA256SUMS.\n');
  const entries = [...content].map(([path, bytes]) => ({ path, sha256: sha256(bytes) }));
  const dataFile = (path: string) => {
    const bytes = content.get(path) ?? Buffer.alloc(0);
    return {
      path,
      format: 'json',
      media_type: 'application/json',
      rows: 1,
      bytes: bytes.length,
      sha256: sha256(bytes),
    };
  };
  const category = (name: string) => ({
    name,
    title: name,
    description: `The ${name}.`,
    included: true,
    requested: true,
    rows: 1,
    files: [dataFile(`data/${name}.json`)],
    schema: `schemas/${name}.schema.json`,
    attachments: null,
    excluded_fields: [],
  });
  const manifest = {
    manifest_version: 1,
    export: {
      id: 'exp_fixture',
      tenant: 'acme',
      purpose: 'audit',
      formats: ['json'],
      generated_at: '2025-01-02T03:04:05.678Z',
      catalog_version: '1',
      platform: { name: 'Acme Tasks', description: 'A fixture.' },
      csv: null,
      ...(kid === null ? {} : { signing_key_id: kid }),
    },
    categories: [category('tasks'), category('users')],
    undeclared: [],
    documents: [{ path: 'README.md', bytes: readme.length, sha256: sha256(readme) }],
    content_sha256: contentSha256(entries),
  };
  return new Map([...content, ['README.md', readme], ['manifest.json', jsonBytes(manifest)]]);
}

/**
 * Writes `files` as a zip with {@link ZipWriter}: `manifest.sig` (the signature of
 * `manifest.json` by `signer`, or `signature` as given) and `SHA256SUMS` of every
 * file (or `sums` as given) are added unless `null`.
 */
export async function writeArchive(
  zipFile: string,
  files: ArchiveFiles,
  options: {
    signer?: ActiveSigningKey | null;
    signature?: Buffer | null;
    sums?: string | null;
  } = {},
): Promise<void> {
  const zip = new ZipWriter(createWriteStream(zipFile), {
    mtime: new Date('2025-01-02T03:04:05Z'),
  });
  for (const [path, bytes] of files) await zip.addBuffer(path, bytes);
  const manifest = files.get('manifest.json');
  const signature =
    options.signature !== undefined
      ? options.signature
      : manifest && options.signer
        ? options.signer.sign(manifest)
        : null;
  if (signature !== null) await zip.addBuffer('manifest.sig', signature);
  const sums = options.sums === undefined ? sumsOf(files) : options.sums;
  if (sums !== null) await zip.addBuffer('SHA256SUMS', Buffer.from(sums));
  await zip.finish();
}

/** The `SHA256SUMS` text of `files`. */
export function sumsOf(files: ArchiveFiles): string {
  return sha256sumsText([...files].map(([path, bytes]) => ({ path, sha256: sha256(bytes) })));
}

/** A copy of `bytes` with the byte at `index` (default: the middle one) inverted. */
export function flipByte(bytes: Buffer, index = Math.floor(bytes.length / 2)): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0xff;
  return copy;
}
