import type { IncludedCategory } from '../catalog/index.js';
import { PortageError, toError } from '../errors/index.js';
import { TenantFiles, tenantFolder } from '../files/index.js';
import { toJsonValue, type JsonValue } from '../formats/index.js';
import type { SourceSnapshot } from '../sources/index.js';
import type { ZipWriter } from './zip-writer.js';

/** Where the files of a category's records are placed in the archive. */
export const ATTACHMENTS_DIR = 'attachments';

/** A file a record names that the export did not read, as the manifest lists it. */
export interface MissingFile {
  readonly category: string;
  /** The record's primary key (a key of several fields is an array). */
  readonly key: JsonValue;
  /** The record's path field, as the record holds it. */
  readonly path: string;
  /** `outside_folder`: not in the tenant's folder, so never read; `not_found`: nothing there. */
  readonly reason: 'outside_folder' | 'not_found';
}

/** What was written for one category's files. */
export interface WrittenAttachments {
  readonly count: number;
  readonly bytes: number;
  readonly entries: readonly { readonly path: string; readonly sha256: string }[];
  readonly missing: readonly MissingFile[];
}

/**
 * Copies every file the category's records reference into the archive, at
 * `attachments/<path>` where `<path>` is the record's path field, one file at a
 * time. Only files in the tenant's own folder (the catalog's `files.folder`)
 * are read: a record whose path leads anywhere else (another tenant's folder,
 * `../`, an absolute path, a link out of the folder) or names no file is
 * listed in `missing`, and the export goes on. A file that is there but
 * cannot be read fails the export, naming the category and the record's path.
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
  const files = category.files;
  if (files === null) return { count: 0, bytes: 0, entries: [], missing: [] };
  const { pathField } = files;
  const folder = new TenantFiles(filesDir, tenantFolder(files, tenant));
  const keyFields = category.primaryKey.map((name) => category.fields.find((f) => f.name === name));
  const read = {
    source: category.source,
    columns: [pathField, ...category.primaryKey],
    orderBy: category.primaryKey,
    tenant,
  };
  const entries: { path: string; sha256: string }[] = [];
  const missing: MissingFile[] = [];
  const written = new Set<string>();
  let bytes = 0;
  for await (const batch of snapshot.batches(read)) {
    for (const [value, ...key] of batch) {
      signal.throwIfAborted();
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string') {
        throw new PortageError(
          'source_read_failed',
          `Category "${category.name}": ${pathField} must hold a file path (text).`,
        );
      }
      if (written.has(value)) continue;
      const opened = await openFile(folder, value, category.name);
      if (typeof opened === 'string') {
        const json = key.map((raw, i) => {
          const field = keyFields[i];
          return field === undefined ? null : toJsonValue(field, raw, category.name);
        });
        missing.push({
          category: category.name,
          key: json.length === 1 ? json[0]! : json,
          path: value,
          reason: opened,
        });
        continue;
      }
      const entry = await zip.addStream(
        `${ATTACHMENTS_DIR}/${value}`,
        opened.createReadStream({ autoClose: true }),
      );
      written.add(value);
      entries.push({ path: entry.path, sha256: entry.sha256 });
      bytes += entry.bytes;
      onBytes(entry.bytes);
    }
  }
  return { count: entries.length, bytes, entries, missing };
}

async function openFile(folder: TenantFiles, key: string, category: string) {
  try {
    return await folder.open(key);
  } catch (error) {
    // The error's own message names the server path: only its code is shown.
    const code = (error as NodeJS.ErrnoException).code ?? toError(error).name;
    throw new PortageError(
      'source_read_failed',
      `Category "${category}": the file "${key}" cannot be read (${code}).`,
    );
  }
}
