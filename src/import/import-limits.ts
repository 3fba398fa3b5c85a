/** Bounds an import enforces before and while it reads an archive. */
export interface ImportLimits {
  /** Largest archive file accepted, in bytes. (Default: 2 GiB) */
  readonly maxArchiveBytes: number;
  /**
   * Most bytes all entries may inflate to, counted on the bytes actually
   * inflated while streaming, not on the sizes the archive declares.
   * (Default: 4 GiB)
   */
  readonly maxUncompressedBytes: number;
  /** Most entries (files and folders) the archive may hold. (Default: 100,000) */
  readonly maxEntries: number;
  /** Longest line of a data file, in bytes. (Default: 64 MiB) */
  readonly maxLineBytes: number;
  /** Largest `bundle.json`, `manifest.json` or `SHA256SUMS`, read whole. (Default: 32 MiB) */
  readonly maxDocumentBytes: number;
}

const MIB = 1024 * 1024;

/** The limits an import applies when the caller sets none. */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxArchiveBytes: 2048 * MIB,
  maxUncompressedBytes: 4096 * MIB,
  maxEntries: 100_000,
  maxLineBytes: 64 * MIB,
  maxDocumentBytes: 32 * MIB,
};
