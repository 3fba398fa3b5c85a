import type { ImportRecord } from '../store/index.js';

/** The import object as clients see it (the `Import` schema). */
export function importView(record: ImportRecord) {
  return {
    id: record.id,
    object: 'import' as const,
    status: record.status,
    mode: record.mode,
    dry_run: record.dryRun,
    trusted: record.trusted,
    created_at: record.createdAt,
    started_at: record.startedAt,
    completed_at: record.completedAt,
    counts: record.status === 'completed' ? record.counts : null,
    conflicts: record.conflicts,
    error: record.error,
  };
}
