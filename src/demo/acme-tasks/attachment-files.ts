import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Prng } from '../prng.js';

/** The bytes and metadata of one demo attachment. */
export interface AttachmentFile {
  /** The name the user uploaded it under (shown in the UI, may hold any character). */
  readonly filename: string;
  readonly contentType: string;
  /** Extension of the stored file. */
  readonly extension: string;
  readonly bytes: Buffer;
}

/** The file written for an attachment row. */
export interface StoredFile {
  /** Path relative to the files directory, `/`-separated. */
  readonly storageKey: string;
  readonly byteSize: number;
  readonly sha256: string;
}

function markdown(tenant: string): Buffer {
  const lines = [`# Design spec for ${tenant} — v2 (final)`, ''];
  for (let i = 1; i <= 40; i++) {
    lines.push(`${i}. Requirement ${i}: exports keep "quotes", commas, and ünïcödé 🚀.`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

function csv(tenant: string): Buffer {
  const rows = ['name,amount,note', `"${tenant}, Inc.",1200,"said ""hi"""`];
  rows.push('=SUM(B2:B3),+42,-7', '@import,"line\r\nbreak",日本');
  for (let i = 0; i < 60; i++) rows.push(`row ${i},${i * 17},ok`);
  return Buffer.from(rows.join('\r\n') + '\r\n', 'utf8');
}

function svg(tenant: string, rng: Prng): Buffer {
  const shapes: string[] = [];
  for (let i = 0; i < 30; i++) {
    shapes.push(
      `<rect x="${rng.int(300)}" y="${rng.int(200)}" width="${rng.between(5, 60)}" height="${rng.between(5, 60)}" fill="#${rng.hex(6)}"/>`,
    );
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><title>${tenant}</title>${shapes.join('')}</svg>\n`,
  );
}

function json(tenant: string): Buffer {
  const items = Array.from({ length: 25 }, (_, i) => ({ id: i, tenant, tags: ['a', 'é', '日'] }));
  return Buffer.from(JSON.stringify({ version: 2, items }, null, 2) + '\n');
}

function binary(rng: Prng): Buffer {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
  return bytes;
}

/**
 * The `index`-th attachment of a tenant: Markdown, CSV with formula bait, SVG,
 * JSON, an empty file, random binary bytes and a file with a CJK name, in turn.
 */
export function attachmentFile(tenant: string, index: number): AttachmentFile {
  const rng = new Prng(Prng.seedOf(`acme-tasks/${tenant}/attachment/${index}`));
  switch (index % 7) {
    case 0:
      return file('Design spec — v2 (final).md', 'text/markdown', 'md', markdown(tenant));
    case 1:
      return file('export, "quoted".csv', 'text/csv', 'csv', csv(tenant));
    case 2:
      return file(
        'Screenshot 2025-03-04 at 10.20.30.svg',
        'image/svg+xml',
        'svg',
        svg(tenant, rng),
      );
    case 3:
      return file('payload.json', 'application/json', 'json', json(tenant));
    case 4:
      return file('empty.txt', 'text/plain', 'txt', Buffer.alloc(0));
    case 5:
      return file('random.bin', 'application/octet-stream', 'bin', binary(rng));
    default:
      return file('日本語のファイル名.txt', 'text/plain; charset=utf-8', 'txt', markdown(tenant));
  }
}

function file(filename: string, contentType: string, extension: string, bytes: Buffer) {
  return { filename, contentType, extension, bytes };
}

/** Writes an attachment's bytes under `filesDir` and returns what its row records. */
export function storeAttachment(
  filesDir: string,
  tenant: string,
  id: number,
  attachment: AttachmentFile,
): StoredFile {
  const storageKey = `${tenant}/attachments/${String(id).padStart(6, '0')}.${attachment.extension}`;
  const path = join(filesDir, ...storageKey.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, attachment.bytes);
  return {
    storageKey,
    byteSize: attachment.bytes.length,
    sha256: createHash('sha256').update(attachment.bytes).digest('hex'),
  };
}
