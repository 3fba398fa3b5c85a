export type {
  ByteRange,
  ExpectedContent,
  ObjectStore,
  PendingObject,
  PresignGetOptions,
} from './types.js';
export {
  IntegrityError,
  InvalidByteRangeError,
  InvalidObjectKeyError,
  ObjectNotFoundError,
  StorageConfigError,
  StorageError,
} from './storage-errors.js';
export { TEMPORARY_PREFIX, validateObjectKey } from './object-key.js';
export { FileStore } from './file-store.js';
export { MAX_PRESIGN_SECONDS, S3Store, createS3Client, type S3StoreOptions } from './s3-store.js';
export { StorageRequestError } from './s3-errors.js';
export {
  MIN_SIGNING_SECRET_BYTES,
  signDownload,
  verifyDownload,
  type DownloadVerdict,
  type SignDownloadInput,
  type VerifyDownloadInput,
} from './signed-url.js';
export {
  openStore,
  parseStorageUrl,
  type OpenStoreOptions,
  type StorageLocation,
} from './storage-url.js';
