import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { toError } from '../errors/index.js';
import { IntegrityError, errnoCode } from './storage-errors.js';
import { PendingObjectBase } from './pending-object-base.js';
import type { ExpectedContent } from './types.js';

const READ_CHUNK_BYTES = 1 << 20;

/** A file-store object being written to a temporary file; see {@link PendingObject}. */
export class FilePendingObject extends PendingObjectBase {
  readonly writable: WriteStream;

  /** Use `FileStore.beginWrite`; `tempPath` must already be created by the caller. */
  constructor(
    key: string,
    private readonly tempPath: string,
    private readonly finalPath: string,
  ) {
    super(key);
    this.writable = createWriteStream(tempPath, { flags: 'r+' });
  }

  protected async verifyAndPlace(expected: ExpectedContent): Promise<void> {
    await finished(this.writable);
    const actual = await hashAndSync(this.tempPath);
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256.toLowerCase()) {
      throw new IntegrityError(this.key, expected, actual);
    }
    await mkdir(dirname(this.finalPath), { recursive: true, mode: 0o700 });
    await rename(this.tempPath, this.finalPath);
    await syncDirectory(dirname(this.finalPath));
  }

  protected async discard(): Promise<void> {
    this.writable.destroy();
    await new Promise<void>((resolve) => {
      if (this.writable.closed) resolve();
      else this.writable.once('close', () => resolve());
    });
    await removeIfPresent(this.tempPath);
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
