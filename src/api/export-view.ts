import type { ExportRecord } from '../store/index.js';
import { signDownload, type ObjectStore } from '../storage/index.js';
import type { ExportObject } from './schemas.js';

/** How to mint a download link for a completed export. */
export interface DownloadLinks {
  readonly baseUrl: string;
  readonly secret: Buffer;
  readonly ttlSeconds: number;
  /** The object store, whose own presigned URL (S3) is the link when it can mint one. */
  readonly storage: Pick<ObjectStore, 'presignGet'>;
  readonly now?: Date;
}

/**
 * When a link minted now for a completed export stops working: after the TTL,
 * and never past the archive's own expiry; whole seconds.
 */
export function linkExpiry(record: ExportRecord, ttlSeconds: number, now = new Date()): Date {
  const until = Math.min(now.getTime() + ttlSeconds * 1000, Date.parse(record.expiresAt ?? ''));
  return new Date(Math.floor(until / 1000) * 1000);
}

/** The public path of an export's download. */
export function downloadPath(id: string): string {
  return `/v1/exports/${id}/download`;
}

/**
 * The export object as clients see it. A completed export gets a download
 * link minted now (see {@link linkExpiry}): the object store's presigned URL
 * (S3), or Portage's own HMAC-signed URL (file store).
 */
export async function exportView(
  record: ExportRecord,
  links: DownloadLinks,
): Promise<ExportObject> {
  let downloadUrl: string | null = null;
  let downloadExpiresAt: string | null = null;
  if (
    record.status === 'completed' &&
    record.expiresAt !== null &&
    record.file &&
    record.storageKey
  ) {
    const now = links.now ?? new Date();
    const expiresAt = linkExpiry(record, links.ttlSeconds, now);
    const expiresInSeconds = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
    const path = downloadPath(record.id);
    downloadUrl =
      (await links.storage.presignGet(record.storageKey, {
        expiresInSeconds,
        fileName: record.file.name,
      })) ??
      `${links.baseUrl}${path}?${signDownload({ path, expiresAt, secret: links.secret }).query}`;
    downloadExpiresAt = expiresAt.toISOString();
  }
  return {
    id: record.id,
    object: 'export',
    status: record.status,
    purpose: record.purpose,
    formats: [...record.formats],
    categories: [...record.categories],
    csv: { bom: record.csv.bom, formula_protection: record.csv.formulaProtection },
    created_at: record.createdAt,
    started_at: record.startedAt,
    completed_at: record.completedAt,
    expires_at: record.expiresAt,
    progress: {
      categories_total: record.progress.categoriesTotal,
      categories_done: record.progress.categoriesDone,
      rows_written: record.progress.rowsWritten,
      bytes_written: record.progress.bytesWritten,
    },
    download_url: downloadUrl,
    download_url_expires_at: downloadExpiresAt,
    file: record.status === 'completed' || record.status === 'expired' ? record.file : null,
    error: record.error,
    notify_email: record.notifyEmail,
  };
}
