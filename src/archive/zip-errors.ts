/** An archive path that is not a safe relative, `/`-separated file path. */
export class ZipPathError extends Error {
  override readonly name = 'ZipPathError';
  readonly code = 'invalid_archive_path';

  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid archive path ${JSON.stringify(path)}: ${reason}`);
  }
}

/** The content of one archive entry could not be read; the archive is unusable. */
export class ZipEntryError extends Error {
  override readonly name = 'ZipEntryError';
  readonly code = 'archive_entry_failed';

  constructor(
    readonly path: string,
    cause: Error,
  ) {
    super(`writing ${path} into the archive failed: ${cause.message}`, { cause });
  }
}
