import type { CsvOptions } from '../formats/types.js';
import type { Selectable } from 'kysely';
import type { ExportTable } from './schema.js';

/** The purposes of SPEC §2. */
export const PURPOSES = ['migration', 'duplication', 'closure', 'audit'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The statuses of an export; exactly these names. */
export const EXPORT_STATUSES = ['pending', 'running', 'completed', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Whether an export with `status` may still run (again): it is pending or running. */
export function exportUnderway(status: string): boolean {
  return status === 'pending' || status === 'running';
}

/** An export as Portage keeps it. */
export interface ExportRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly status: ExportStatus;
  readonly purpose: Purpose;
  readonly formats: readonly string[];
  readonly categories: readonly string[];
  readonly csv: CsvOptions;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly expiresAt: string | null;
  readonly progress: {
    readonly categoriesTotal: number;
    readonly categoriesDone: number;
    readonly rowsWritten: number;
    readonly bytesWritten: number;
  };
  readonly file: { readonly name: string; readonly bytes: number; readonly sha256: string } | null;
  readonly storageKey: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly attempts: number;
  readonly fence: number;
  /** The address the export's end is mailed to (`notify_email`), or null. */
  readonly notifyEmail: string | null;
}

/** Maps a stored row to its record. */
export function toExportRecord(row: Selectable<ExportTable>): ExportRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status as ExportStatus,
    purpose: row.purpose as Purpose,
    formats: JSON.parse(row.formats) as string[],
    categories: JSON.parse(row.categories) as string[],
    csv: JSON.parse(row.csv) as CsvOptions,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    expiresAt: row.expires_at,
    progress: {
      categoriesTotal: Number(row.categories_total),
      categoriesDone: Number(row.categories_done),
      rowsWritten: Number(row.rows_written),
      bytesWritten: Number(row.bytes_written),
    },
    file:
      row.file_name !== null && row.file_sha256 !== null
        ? { name: row.file_name, bytes: Number(row.file_bytes), sha256: row.file_sha256 }
        : null,
    storageKey: row.storage_key,
    error:
      row.error_code !== null ? { code: row.error_code, message: row.error_message ?? '' } : null,
    attempts: Number(row.attempts),
    fence: Number(row.fence),
    notifyEmail: row.notify_email ?? null,
  };
}
