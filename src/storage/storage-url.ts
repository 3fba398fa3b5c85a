import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutCredentials } from '../errors/index.js';
import { FileStore } from './file-store.js';
import { StorageConfigError } from './storage-errors.js';
import type { StorageRetry } from './s3-retry.js';
import type { ObjectStore } from './types.js';

const SETTING = 'PORTAGE_STORAGE_URL';

/** Where a storage URL points, once parsed. */
export type StorageLocation =
  | { readonly kind: 'file'; /** Absolute directory. */ readonly root: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Key prefix, `''` or ending in `/`. */ readonly prefix: string;
    };

/** Options of {@link openStore} and {@link parseStorageUrl}. */
export interface OpenStoreOptions {
  /** Portage's data directory; the store defaults to `<dataDir>/archives` when no URL is set. */
  readonly dataDir: string;
  /** How an S3 store retries each request of a write. (Default: `DEFAULT_STORAGE_RETRY`) */
  readonly storageRetry?: StorageRetry;
}

/**
 * Parses a `PORTAGE_STORAGE_URL`: `file:///absolute/dir`, `file:relative/dir` or
 * `file:./relative/dir` (relative to the working directory), or
 * `s3://bucket/prefix`. Undefined or empty means the embedded default,
 * `<dataDir>/archives`.
 *
 * @throws StorageConfigError naming `PORTAGE_STORAGE_URL` for anything else.
 */
export function parseStorageUrl(
  url: string | undefined,
  options: OpenStoreOptions,
): StorageLocation {
  const text = url?.trim() ?? '';
  if (text === '') return { kind: 'file', root: resolve(join(options.dataDir, 'archives')) };
  if (text.startsWith('file://')) return { kind: 'file', root: parseFileUrl(text) };
  if (text.startsWith('file:')) {
    const path = decodeURIComponent(text.slice('file:'.length));
    if (path === '' || isAbsolute(path)) {
      throw new StorageConfigError(
        SETTING,
        `"${text}": write an absolute directory as file:///dir`,
      );
    }
    return { kind: 'file', root: resolve(path) };
  }
  if (text.startsWith('s3://')) return parseS3Url(text);
  throw new StorageConfigError(
    SETTING,
    `"${withoutCredentials(text)}" is neither a file: nor an s3:// URL`,
  );
}

/**
 * Opens the object store a `PORTAGE_STORAGE_URL` names (see {@link parseStorageUrl}).
 * The directory of a file store is created on first write. An `s3://` store
 * takes its endpoint, region and credentials from the AWS SDK's own variables
 * (see `createS3Client`); nothing is contacted until first use.
 *
 * @throws StorageConfigError for an invalid URL or `AWS_S3_FORCE_PATH_STYLE`.
 */
export async function openStore(
  url: string | undefined,
  options: OpenStoreOptions,
): Promise<ObjectStore> {
  const location = parseStorageUrl(url, options);
  if (location.kind === 'file') return new FileStore(location.root);
  // The AWS SDK is loaded only by processes that store in S3.
  const { S3Store } = await import('./s3-store.js');
  return new S3Store({
    bucket: location.bucket,
    prefix: location.prefix,
    ...(options.storageRetry !== undefined && { writeRetry: options.storageRetry }),
  });
}

function parseFileUrl(text: string): string {
  try {
    return fileURLToPath(text);
  } catch (caught) {
    throw new StorageConfigError(
      SETTING,
      `"${withoutCredentials(text)}" is not a local file URL (${caught instanceof Error ? caught.message : String(caught)})`,
    );
  }
}

function parseS3Url(sent: string): StorageLocation {
  const text = withoutCredentials(sent);
  let parsed: URL;
  try {
    parsed = new URL(sent);
  } catch {
    throw new StorageConfigError(SETTING, `"${text}" is not a valid s3:// URL`);
  }
  const bucket = parsed.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new StorageConfigError(SETTING, `"${text}": "${bucket}" is not a valid bucket name`);
  }
  if (parsed.username || parsed.password || parsed.port || parsed.search || parsed.hash) {
    throw new StorageConfigError(
      SETTING,
      `"${text}": give only s3://bucket/prefix; credentials and endpoint come from the AWS_* variables`,
    );
  }
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
  return { kind: 's3', bucket, prefix: path === '' || path.endsWith('/') ? path : `${path}/` };
}
