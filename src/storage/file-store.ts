import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { FilePendingObject, removeIfPresent } from './file-pending-object.js';
import { TEMPORARY_PREFIX, validateKeyPrefix, validateObjectKey } from './object-key.js';
import { toError } from '../errors/index.js';
import { checkByteRange, ObjectNotFoundError, errnoCode } from './storage-errors.js';
import type { ByteRange, ObjectStore, PendingObject } from './types.js';

const TEMP_SUFFIX = '.part';

/**
 * An {@link ObjectStore} on the local filesystem: each key is a file under
 * `root`, which is created on demand. Writes go to `<root>/.tmp/` under a unique
 * name and are published by fsync + rename, atomic as long as `root` is one
 * filesystem. Files are created with mode `0600`: they hold customer data.
 * Downloads are served by Portage itself, behind its own signed URLs.
 */
export class FileStore implements ObjectStore {
  readonly kind = 'file';
  /** Absolute path of the directory holding the objects. */
  readonly root: string;
  readonly #tempDir: string;

  /** @param root directory of the store; a relative path is resolved against the working directory. */
  constructor(root: string) {
    this.root = resolve(root);
    this.#tempDir = join(this.root, TEMPORARY_PREFIX);
  }

  async beginWrite(key: string): Promise<PendingObject> {
    const finalPath = this.#pathOf(key);
    await mkdir(this.#tempDir, { recursive: true, mode: 0o700 });
    const tempPath = join(this.#tempDir, `${Date.now()}-${randomUUID()}${TEMP_SUFFIX}`);
    // Created up front (exclusively) so that permission or space errors surface here.
    await (await open(tempPath, 'wx', 0o600)).close();
    return new FilePendingObject(key, tempPath, finalPath);
  }

  async stat(key: string): Promise<{ bytes: number } | null> {
    const path = this.#pathOf(key);
    try {
      const stats = await stat(path);
      return stats.isFile() ? { bytes: stats.size } : null;
    } catch (caught) {
      if (isAbsent(caught)) return null;
      throw toError(caught);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.#pathOf(key);
    checkByteRange(key, range);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (caught) {
      if (isAbsent(caught) || errnoCode(caught) === 'EISDIR') throw new ObjectNotFoundError(key);
      throw toError(caught);
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await removeIfPresent(this.#pathOf(key));
  }

  presignGet(key: string): Promise<string | null> {
    this.#pathOf(key);
    return Promise.resolve(null);
  }

  async ping(): Promise<void> {
    await mkdir(this.#tempDir, { recursive: true, mode: 0o700 });
    const probe = join(this.#tempDir, `ping-${randomUUID()}${TEMP_SUFFIX}`);
    try {
      await writeFile(probe, 'ok', { mode: 0o600 });
    } finally {
      await removeIfPresent(probe);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    yield* listFiles(this.#pathOf(validateKeyPrefix(prefix).slice(0, -1)), prefix);
  }

  async sweepTemporary(olderThanMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#tempDir);
    } catch (caught) {
      if (isAbsent(caught)) return 0;
      throw toError(caught);
    }
    const cutoff = Date.now() - olderThanMs;
    let swept = 0;
    for (const name of names) {
      if (!name.endsWith(TEMP_SUFFIX)) continue;
      const path = join(this.#tempDir, name);
      try {
        if ((await stat(path)).mtimeMs >= cutoff) continue;
        await removeIfPresent(path);
        swept += 1;
      } catch (caught) {
        if (!isAbsent(caught)) throw toError(caught);
      }
    }
    return swept;
  }

  #pathOf(key: string): string {
    const path = join(this.root, ...validateObjectKey(key).split('/'));
    const inside = this.root.endsWith(sep) ? this.root : this.root + sep;
    if (!path.startsWith(inside)) throw new Error(`key escapes the store: ${key}`);
    return path;
  }
}

/** The keys of the files under `dir`, whose key prefix is `prefix`, at any depth. */
async function* listFiles(dir: string, prefix: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (caught) {
    if (isAbsent(caught)) return;
    throw toError(caught);
  }
  for (const entry of entries) {
    if (entry.isDirectory()) yield* listFiles(join(dir, entry.name), `${prefix}${entry.name}/`);
    else if (entry.isFile()) yield `${prefix}${entry.name}`;
  }
}

function isAbsent(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
