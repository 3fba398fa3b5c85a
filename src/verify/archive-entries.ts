import { createHash } from 'node:crypto';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { validateEntryPath } from '../archive/zip-entry-path.js';
import { nextZipEntry } from '../archive/zip-reader.js';
import { toError } from '../errors/index.js';

/** One file of an archive, measured on its uncompressed bytes. */
export interface ArchiveEntry {
  readonly path: string;
  readonly bytes: number;
  /** Lowercase hex sha256. */
  readonly sha256: string;
  /** The bytes themselves, for the entries asked for by name only. */
  readonly content: Buffer | null;
}

/** The entries of an archive, or the first entry that could not be read safely. */
export type ArchiveRead =
  | { readonly ok: true; readonly entries: ReadonlyMap<string, ArchiveEntry> }
  | { readonly ok: false; readonly path: string; readonly reason: string };

/** Largest entry kept in memory (`manifest.json`, `SHA256SUMS`, `manifest.sig`): 64 MiB. */
const MAX_KEPT_BYTES = 64 * 1024 * 1024;

/**
 * Reads every entry of the zip `file` once, streaming: each entry's size and
 * sha256, and the bytes of the entries named in `keep`. Directory entries are
 * skipped. An unsafe path (absolute, `..`, backslash, control character), a
 * duplicate path or an unreadable entry stops the reading and is reported.
 */
export async function readArchiveEntries(
  file: string,
  keep: ReadonlySet<string>,
): Promise<ArchiveRead> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      decodeStrings: false,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (caught) {
    return {
      ok: false,
      path: file,
      reason: `not a readable zip archive: ${toError(caught).message}`,
    };
  }
  // Errors also reach the promise of the read in progress; this keeps a late one from crashing the process.
  zip.on('error', () => undefined);
  const entries = new Map<string, ArchiveEntry>();
  try {
    for (;;) {
      const entry = await nextZipEntry(zip);
      if (entry === null) return { ok: true, entries };
      const path = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true,
      );
      const isFolder = path.endsWith('/') && entry.uncompressedSize === 0;
      const unsafe = pathProblem(isFolder ? path.slice(0, -1) : path);
      if (unsafe !== null) return { ok: false, path, reason: `unsafe entry path: ${unsafe}` };
      if (isFolder) continue;
      if (entries.has(path)) return { ok: false, path, reason: 'appears twice in the archive' };
      if (keep.has(path) && entry.uncompressedSize > MAX_KEPT_BYTES) {
        return { ok: false, path, reason: `larger than ${MAX_KEPT_BYTES} bytes` };
      }
      try {
        entries.set(path, await measure(zip, entry, path, keep.has(path)));
      } catch (caught) {
        return { ok: false, path, reason: `cannot be read: ${toError(caught).message}` };
      }
    }
  } catch (caught) {
    return { ok: false, path: file, reason: `damaged zip archive: ${toError(caught).message}` };
  } finally {
    zip.close();
  }
}

function pathProblem(path: string): string | null {
  try {
    validateEntryPath(path);
    return null;
  } catch (caught) {
    return toError(caught).message;
  }
}

async function measure(
  zip: ZipFile,
  entry: Entry,
  path: string,
  keep: boolean,
): Promise<ArchiveEntry> {
  const stream = await zip.openReadStreamPromise(entry);
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (keep) chunks.push(chunk);
  }
  return { path, bytes, sha256: hash.digest('hex'), content: keep ? Buffer.concat(chunks) : null };
}
