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
// S3Store is imported from './s3-store.js' by the code that needs it, so that
// processes without S3 storage never load the AWS SDK.
export { TEMPORARY_PREFIX, validateObjectKey } from './object-key.js';
export { FileStore } from './file-store.js';
export {
  DEFAULT_STORAGE_RETRY,
  retryWaits,
  storageRetryStrategy,
  type StorageRetry,
} from './s3-retry.js';
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
