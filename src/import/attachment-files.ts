import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ATTACHMENTS_DIR } from '../archive/attachment-writer.js';
import type { FilesSpec } from '../catalog/index.js';
import { keyInFolder, TenantFiles, tenantFolder } from '../files/index.js';
import type { BundleArchive } from './bundle-archive.js';
import { ImportRefusal } from './import-error.js';

/**
 * The files a bundle carries under `attachments/`, written into the target
 * tenant's own folder of the platform's files (the catalog's `files.folder`).
 *
 * Every record's path is placed in that folder by {@link keyInFolder}: a path
 * in the bundle tenant's folder keeps its place inside it, any other path
 * (another tenant's folder, `../`, an absolute path) is rewritten under it;
 * the record is written with the new path, so the next export finds the file.
 * A write never follows a link out of the folder.
 *
 * Files are staged in a hidden folder inside the files directory while the
 * import runs and moved into place only after the database commit, so a
 * refused import leaves no file behind. A file already at its place with the
 * same bytes is left as is; a different one fails the import (`id_conflict`).
 */
export class AttachmentFiles {
  private readonly staging: string | null;
  private readonly staged = new Map<string, string>();
  /** The bundle's path behind each target path, so that two never share one. */
  private readonly claimed = new Map<string, string>();

  /**
   * @param sums - sha256 of every archive entry, from `SHA256SUMS`.
   * @param filesDir - The platform's files directory; null reads and writes no
   *   file (a dry run; the records' paths are still placed, and the archive checked).
   * @param tenants - The tenant the bundle came from, and the target tenant.
   * @param missing - Paths the bundle's manifest lists in `missing_files`: a
   *   record may name one of them without the archive holding it.
   */
  constructor(
    private readonly archive: BundleArchive,
    private readonly sums: ReadonlyMap<string, string>,
    private readonly filesDir: string | null,
    private readonly tenants: { readonly source: string; readonly target: string },
    private readonly missing: ReadonlySet<string> = new Set(),
  ) {
    this.staging =
      filesDir === null ? null : join(filesDir, `.import-${randomBytes(8).toString('hex')}`);
  }

  /** The path a record holding `key` is written with: `key` placed in the target tenant's folder. */
  place(files: FilesSpec, key: string): string {
    let source: string | null = null;
    try {
      source = tenantFolder(files, this.tenants.source);
    } catch {
      // The bundle names a tenant that cannot name a folder: no path is in its folder.
    }
    return keyInFolder(key, source, tenantFolder(files, this.tenants.target));
  }

  /**
   * Checks that the archive holds the file at `key` (or that the bundle lists
   * it as missing), that no other file of the bundle goes to the same place,
   * and, unless this is a dry run, that the target tenant's folder holds no
   * other file there. Resolves to the path the record is written with.
   *
   * @throws {@link ImportRefusal} `reference_unresolved`, `unsafe_path` or `id_conflict`.
   */
  async check(files: FilesSpec, key: string, where: string): Promise<string> {
    const placed = this.place(files, key);
    const entry = `${ATTACHMENTS_DIR}/${key}`;
    if (!this.archive.has(entry)) {
      if (this.missing.has(key)) return placed;
      throw new ImportRefusal('reference_unresolved', `${where}: the archive has no ${entry}.`);
    }
    const earlier = this.claimed.get(placed);
    if (earlier !== undefined && this.sum(earlier) !== this.sum(key)) {
      throw new ImportRefusal(
        'unsafe_path',
        `${where}: the files "${earlier}" and "${key}" would both be written at "${placed}".`,
      );
    }
    this.claimed.set(placed, key);
    const target = await this.target(files, placed, where);
    if (target !== null && (await this.existing(target, key)) === 'other') {
      throw new ImportRefusal(
        'id_conflict',
        `${where}: a different file already exists at "${placed}" in your files.`,
      );
    }
    return placed;
  }

  /**
   * Copies the file at `key` from the archive into the staging folder, unless
   * already in place or a dry run. Resolves to the path the record is written with.
   */
  async stage(files: FilesSpec, key: string, where: string): Promise<string> {
    const placed = this.place(files, key);
    const entry = `${ATTACHMENTS_DIR}/${key}`;
    if (this.staging === null || this.staged.has(placed) || !this.archive.has(entry)) return placed;
    const target = await this.target(files, placed, where);
    if (target === null || (await this.existing(target, key)) === 'same') return placed;
    const file = join(this.staging, ...placed.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await pipeline(await this.archive.read(entry), createWriteStream(file));
    this.staged.set(placed, target);
    return placed;
  }

  /** Moves every staged file into place; call after the database commit. */
  async publish(): Promise<void> {
    if (this.staging === null) return;
    for (const [placed, target] of this.staged) {
      await mkdir(dirname(target), { recursive: true });
      await rename(join(this.staging, ...placed.split('/')), target);
    }
    await this.discard();
  }

  /** Removes the staging folder and whatever is left in it. */
  async discard(): Promise<void> {
    if (this.staging !== null) await rm(this.staging, { recursive: true, force: true });
  }

  private sum(key: string): string | undefined {
    return this.sums.get(`${ATTACHMENTS_DIR}/${key}`);
  }

  /** The file system path of `placed`, or null in a dry run. */
  private async target(files: FilesSpec, placed: string, where: string): Promise<string | null> {
    if (this.filesDir === null) return null;
    const folder = new TenantFiles(this.filesDir, tenantFolder(files, this.tenants.target));
    const target = await folder.place(placed);
    if (target === null) {
      throw new ImportRefusal(
        'unsafe_path',
        `${where}: the folder of "${placed}" leads out of your folder of files.`,
      );
    }
    return target;
  }

  private async existing(file: string, key: string): Promise<'none' | 'same' | 'other'> {
    const kind = await TenantFiles.kind(file);
    if (kind !== 'file') return kind === 'none' ? 'none' : 'other';
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex') === this.sum(key) ? 'same' : 'other';
  }
}
