import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ATTACHMENTS_DIR } from '../archive/attachment-writer.js';
import type { BundleArchive } from './bundle-archive.js';
import { ImportRefusal } from './import-error.js';

/**
 * The files a bundle carries under `attachments/`, written into the platform's
 * files directory. Files are staged in a hidden folder inside that directory
 * while the import runs and moved into place only after the database commit,
 * so a refused import leaves no file behind. A file already at its place with
 * the same bytes is left as is.
 */
export class AttachmentFiles {
  private readonly staging: string | null;
  private readonly staged = new Set<string>();

  /**
   * @param filesDir - The platform's files directory; null writes no file
   *   (the records are imported, their files are only checked in the archive).
   * @param sums - sha256 of every archive entry, from `SHA256SUMS`.
   */
  constructor(
    private readonly archive: BundleArchive,
    private readonly sums: ReadonlyMap<string, string>,
    private readonly filesDir: string | null,
  ) {
    this.staging =
      filesDir === null ? null : join(filesDir, `.import-${randomBytes(8).toString('hex')}`);
  }

  /**
   * Checks that the archive holds the file at `key` and that the target holds
   * no other file there.
   * @throws {@link ImportRefusal} `reference_unresolved`, `unsafe_path` or `id_conflict`.
   */
  async check(key: string, where: string): Promise<void> {
    const entry = `${ATTACHMENTS_DIR}/${key}`;
    if (!this.archive.has(entry)) {
      throw new ImportRefusal('reference_unresolved', `${where}: the archive has no ${entry}.`);
    }
    const target = this.target(key, where);
    if (target !== null && (await this.existing(target, key)) === 'other') {
      throw new ImportRefusal(
        'id_conflict',
        `${where}: a different file already exists at "${key}" in the platform's files.`,
      );
    }
  }

  /** Copies the file at `key` from the archive into the staging folder, unless already in place. */
  async stage(key: string, where: string): Promise<void> {
    const target = this.target(key, where);
    if (target === null || this.staging === null || (await this.existing(target, key)) === 'same')
      return;
    const file = join(this.staging, key);
    await mkdir(dirname(file), { recursive: true });
    await pipeline(await this.archive.read(`${ATTACHMENTS_DIR}/${key}`), createWriteStream(file));
    this.staged.add(key);
  }

  /** Moves every staged file into place; call after the database commit. */
  async publish(): Promise<void> {
    if (this.staging === null || this.filesDir === null) return;
    for (const key of this.staged) {
      const target = join(this.filesDir, key);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(this.staging, key), target);
    }
    await this.discard();
  }

  /** Removes the staging folder and whatever is left in it. */
  async discard(): Promise<void> {
    if (this.staging !== null) await rm(this.staging, { recursive: true, force: true });
  }

  private target(key: string, where: string): string | null {
    if (this.filesDir === null) return null;
    const root = resolve(this.filesDir);
    const file = resolve(root, key);
    const rel = relative(root, file);
    if (key.includes('\0') || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new ImportRefusal(
        'unsafe_path',
        `${where}: the file path "${key}" leaves the files directory.`,
      );
    }
    return file;
  }

  private async existing(file: string, key: string): Promise<'none' | 'same' | 'other'> {
    try {
      await stat(file);
    } catch {
      return 'none';
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex') === this.sums.get(`${ATTACHMENTS_DIR}/${key}`) ? 'same' : 'other';
  }
}
