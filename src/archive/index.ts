export {
  archiveReadme,
  CONTENT_DIGEST_COMMAND,
  CSV_DIALECT,
  VERIFY_STEPS,
} from './archive-readme.js';
export { contentSha256, sha256sumsText, type ChecksumEntry } from './checksums.js';
export {
  buildArchive,
  type BuildInput,
  type BuildProgress,
  type BuildResult,
} from './export-builder.js';
export * from './manifest.js';
export { ZipWriter, type ZipEntryInfo, type ZipWriterOptions } from './zip-writer.js';
export { ARCHIVE_LAYOUT, dataFilePart, dataFilePath, partWording } from './archive-layout.js';
export { DEFAULT_PART_BYTES } from './category-writer.js';
export { writePiece, type PieceWrite } from './piece-writer.js';
export type { PieceObjects, PieceSet } from './piece-format.js';
