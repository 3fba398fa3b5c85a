import type { ExportRecord } from '../store/index.js';
import { signDownload } from '../storage/index.js';
import type { ExportObject } from './schemas.js';

/** How to mint a download link for a completed export. */
export interface DownloadLinks {
  readonly baseUrl: string;
  readonly secret: Buffer;
  readonly ttlSeconds: number;
  readonly now?: Date;
}

/** The public path of an export's download. */
export function downloadPath(id: string): string {
  return `/v1/exports/${id}/download`;
}

/**
 * The export object as clients see it. A completed export gets a download
 * link minted now: valid for the TTL, never past the archive's own expiry.
 */
export function exportView(record: ExportRecord, links: DownloadLinks): ExportObject {
  let downloadUrl: string | null = null;
  let downloadExpiresAt: string | null = null;
  if (record.status === 'completed' && record.expiresAt !== null) {
    const now = links.now ?? new Date();
    const expiresAt = new Date(
      Math.min(now.getTime() + links.ttlSeconds * 1000, Date.parse(record.expiresAt)),
    );
    const path = downloadPath(record.id);
    const { query } = signDownload({ path, expiresAt, secret: links.secret });
    downloadUrl = `${links.baseUrl}${path}?${query}`;
    downloadExpiresAt = new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString();
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
  };
}
