import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { IncludedCategory } from '../catalog/index.js';
import { PortageError, toError } from '../errors/index.js';
import type { SourceSnapshot } from '../sources/index.js';
import type { ZipWriter } from './zip-writer.js';

/** Where the files of a category's records are placed in the archive. */
export const ATTACHMENTS_DIR = 'attachments';

/** What was written for one category's files. */
export interface WrittenAttachments {
  readonly count: number;
  readonly bytes: number;
  readonly entries: readonly { readonly path: string; readonly sha256: string }[];
}

/**
 * Copies every file the category's records reference into the archive, at
 * `attachments/<path>` where `<path>` is the record's path field, one file at a
 * time. A missing or unreadable file fails the export, naming it: an archive
 * with a dead link is worse than none.
 */
export async function writeAttachments(
  zip: ZipWriter,
  snapshot: SourceSnapshot,
  category: IncludedCategory,
  tenant: string,
  filesDir: string,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<WrittenAttachments> {
  const pathField = category.files?.pathField;
  if (pathField === undefined) return { count: 0, bytes: 0, entries: [] };
  const read = {
    source: category.source,
    columns: [pathField],
    orderBy: category.primaryKey,
    tenant,
  };
  const entries: { path: string; sha256: string }[] = [];
  let bytes = 0;
  for await (const batch of snapshot.batches(read)) {
    for (const [value] of batch) {
      signal.throwIfAborted();
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string') {
        throw new PortageError(
          'source_read_failed',
          `Category "${category.name}": ${pathField} must hold a file path (text).`,
        );
      }
      const key = value;
      const file = resolveInside(filesDir, key, category.name);
      try {
        await stat(file);
      } catch (error) {
        throw new PortageError(
          'source_read_failed',
          `Category "${category.name}": the file "${key}" referenced by ${pathField} cannot be read (${toError(error).message}).`,
        );
      }
      const entry = await zip.addStream(`${ATTACHMENTS_DIR}/${key}`, createReadStream(file));
      entries.push({ path: entry.path, sha256: entry.sha256 });
      bytes += entry.bytes;
      onBytes(entry.bytes);
    }
  }
  return { count: entries.length, bytes, entries };
}

function resolveInside(root: string, key: string, category: string): string {
  const file = resolve(root, key);
  const rel = relative(resolve(root), file);
  if (key.includes('\0') || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new PortageError(
      'source_read_failed',
      `Category "${category}": the file path "${key}" points outside the platform's files directory.`,
    );
  }
  return file;
}
