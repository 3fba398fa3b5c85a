import { toError } from '../errors/index.js';
import type { ExportRecord, ImportRecord } from '../store/index.js';

/** Where state changes are logged: a pino logger, or anything with its `info`. */
export interface EventLog {
  info(fields: object, message: string): void;
}

/** Milliseconds from `start` to `end` (or null when either is unknown). */
function durationMs(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  return Date.parse(end) - Date.parse(start);
}

/**
 * The fields an export's state change is logged with. Chosen one by one, never
 * spread from the record: no download link, storage key, error message (it may
 * quote the tenant's data) or API key can reach the log.
 */
export function exportEvent(record: ExportRecord): Record<string, unknown> {
  return {
    event: `export.${record.status}`,
    tenant: record.tenantId,
    export_id: record.id,
    purpose: record.purpose,
    status: record.status,
    attempt: record.attempts,
    rows: record.progress.rowsWritten,
    bytes: record.file?.bytes ?? record.progress.bytesWritten,
    duration_ms: durationMs(record.startedAt, record.completedAt),
    ...(record.error !== null && { code: record.error.code }),
  };
}

/** The fields an import's state change is logged with; chosen as {@link exportEvent}'s are. */
export function importEvent(record: ImportRecord): Record<string, unknown> {
  return {
    event: `import.${record.status}`,
    tenant: record.tenantId,
    import_id: record.id,
    mode: record.mode,
    dry_run: record.dryRun,
    status: record.status,
    attempt: record.attempts,
    rows: Object.values(record.counts).reduce((a, b) => a + b, 0),
    bytes: record.uploadBytes,
    duration_ms: durationMs(record.startedAt, record.completedAt),
    ...(record.error !== null && { code: record.error.code }),
  };
}

/** What logging a state needs: the log (none: nothing is logged) and the store to read the state from. */
export interface LifecycleContext {
  readonly log?: EventLog;
  readonly store: {
    readonly exports: { getById(id: string): Promise<ExportRecord | null> };
    readonly imports: { getById(id: string): Promise<ImportRecord | null> };
  };
}

/**
 * Logs one export's state as it now stands in the store (one event per state
 * change). Never throws: a state change must not fail for its log line.
 */
export async function logExportState(ctx: LifecycleContext, id: string): Promise<void> {
  if (ctx.log === undefined) return;
  try {
    const record = await ctx.store.exports.getById(id);
    if (record !== null) ctx.log.info(exportEvent(record), `export ${record.status}`);
  } catch (error) {
    console.error(`export ${id}: logging its state failed:`, toError(error).message);
  }
}

/** Logs one import's state as it now stands; see {@link logExportState}. */
export async function logImportState(ctx: LifecycleContext, id: string): Promise<void> {
  if (ctx.log === undefined) return;
  try {
    const record = await ctx.store.imports.getById(id);
    if (record !== null) ctx.log.info(importEvent(record), `import ${record.status}`);
  } catch (error) {
    console.error(`import ${id}: logging its state failed:`, toError(error).message);
  }
}
