export { readArchiveEntries, type ArchiveEntry, type ArchiveRead } from './archive-entries.js';
export { readTrustedKeys, TrustedKeyError, type TrustedKey } from './trusted-keys.js';
export {
  verifyArchive,
  type VerifyCheck,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyResult,
} from './verify-archive.js';
export type { ManifestView, RecordedFile } from './manifest-view.js';
