import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { toError } from '../errors/index.js';
import { IntegrityError, errnoCode } from './storage-errors.js';
import type { ExpectedContent, PendingObject } from './types.js';

const READ_CHUNK_BYTES = 1 << 20;

/** A file-store object being written to a temporary file; see {@link PendingObject}. */
export class FilePendingObject implements PendingObject {
  readonly writable: WriteStream;
  #state: 'open' | 'publishing' | 'published' | 'aborted' = 'open';
  #publishing: Promise<void> | undefined;

  /** Use `FileStore.beginWrite`; `tempPath` must already be created by the caller. */
  constructor(
    readonly key: string,
    private readonly tempPath: string,
    private readonly finalPath: string,
  ) {
    this.writable = createWriteStream(tempPath, { flags: 'r+' });
  }

  publish(expected: ExpectedContent): Promise<void> {
    if (this.#state !== 'open') {
      return Promise.reject(new Error(`cannot publish ${this.key}: already ${this.#state}`));
    }
    if (!this.writable.writableEnded) {
      return Promise.reject(
        new Error(`cannot publish ${this.key}: its writable has not been ended`),
      );
    }
    this.#state = 'publishing';
    this.#publishing = this.#verifyAndRename(expected);
    return this.#publishing;
  }

  async abort(): Promise<void> {
    // A publish under way runs to its end; its outcome decides whether anything is left to discard.
    await this.#publishing?.catch(() => undefined);
    if (this.#state === 'published' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    this.writable.destroy();
    await new Promise<void>((resolve) => {
      if (this.writable.closed) resolve();
      else this.writable.once('close', () => resolve());
    });
    await removeIfPresent(this.tempPath);
  }

  async #verifyAndRename(expected: ExpectedContent): Promise<void> {
    try {
      await finished(this.writable);
      const actual = await hashAndSync(this.tempPath);
      if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256.toLowerCase()) {
        throw new IntegrityError(this.key, expected, actual);
      }
      await mkdir(dirname(this.finalPath), { recursive: true });
      await rename(this.tempPath, this.finalPath);
      await syncDirectory(dirname(this.finalPath));
      this.#state = 'published';
    } catch (caught) {
      const error = toError(caught);
      this.#state = 'aborted';
      this.writable.destroy();
      await removeIfPresent(this.tempPath);
      throw error;
    }
  }
}

/** Re-reads a file from disk, returning its size and sha256, then fsyncs it. */
async function hashAndSync(path: string): Promise<ExpectedContent> {
  const handle = await open(path, 'r+');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, bytes);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    await handle.sync();
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** Makes a rename inside `dir` durable; platforms that cannot fsync a directory skip it. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (caught) {
    const code = errnoCode(caught);
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw toError(caught);
  } finally {
    await handle.close();
  }
}

/** Unlinks `path`; a file already gone is fine. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (caught) {
    if (errnoCode(caught) !== 'ENOENT') throw toError(caught);
  }
}
