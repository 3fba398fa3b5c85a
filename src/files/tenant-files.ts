import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isInFolder } from './folder-keys.js';

/** Why a record's file was not read: it lies outside the tenant's folder, or is not there. */
export type UnreadReason = 'outside_folder' | 'not_found';

/**
 * One tenant's folder inside the platform's files directory, as the file
 * system sees it. A key is confined twice: by its text ({@link isInFolder}),
 * and by where its real path leads once every symbolic link on the way is
 * followed, so that a link placed in the folder cannot lead a read or a write
 * to another tenant's files.
 */
export class TenantFiles {
  private readonly base: string;

  /**
   * @param root - The platform's files directory.
   * @param folder - The tenant's folder in it (see `tenantFolder`).
   */
  constructor(
    root: string,
    readonly folder: string,
  ) {
    this.base = resolve(root, ...folder.split('/'));
  }

  /**
   * Opens the regular file at `key` for reading, or says why it does not:
   * `outside_folder` for a key outside the folder or one whose real path leads
   * out of it, `not_found` when nothing (or no regular file) is there.
   *
   * @throws the file system's error when the file is there but cannot be
   * opened (permissions); its message holds the server path, so it is for logs.
   */
  async open(key: string): Promise<FileHandle | UnreadReason> {
    if (!isInFolder(key, this.folder)) return 'outside_folder';
    let real: string;
    let base: string;
    try {
      base = await realpath(this.base);
      real = await realpath(this.path(key));
    } catch (error) {
      if (isAbsent(error)) return 'not_found';
      throw error;
    }
    if (!isWithin(base, real)) return 'outside_folder';
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: a link swapped in since realpath is refused, not followed.
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (isAbsent(error)) return 'not_found';
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') return 'outside_folder';
      throw error;
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return 'not_found';
    }
    return handle;
  }

  /**
   * Where the file at `key` is written, or null when the key is outside the
   * folder or the folders on its way that already exist lead out of it
   * through a link. Creates nothing.
   */
  async place(key: string): Promise<string | null> {
    if (!isInFolder(key, this.folder)) return null;
    const file = this.path(key);
    let base: string;
    try {
      base = await realpath(this.base);
    } catch (error) {
      if (isAbsent(error)) return file;
      throw error;
    }
    for (let dir = dirname(file); isWithin(this.base, dir); dir = dirname(dir)) {
      try {
        return isWithin(base, await realpath(dir)) ? file : null;
      } catch (error) {
        if (!isAbsent(error)) throw error;
      }
    }
    return file;
  }

  /** What is at `file` (a path from {@link place}): nothing, a regular file, or something else (a link, a folder). */
  static async kind(file: string): Promise<'none' | 'file' | 'other'> {
    try {
      return (await lstat(file)).isFile() ? 'file' : 'other';
    } catch (error) {
      if (isAbsent(error)) return 'none';
      throw error;
    }
  }

  private path(key: string): string {
    return join(this.base, ...key.slice(this.folder.length + 1).split('/'));
  }
}

function isWithin(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
