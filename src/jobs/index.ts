export { archiveFileName, archiveStorageKey } from './archive-name.js';
export { LocalDispatcher, type Dispatcher } from './dispatcher.js';
export { EmbeddedQueue } from './embedded-queue.js';
export type { ExportContext } from './export-context.js';
export { runExport } from './export-job.js';
export type { ExportQueue } from './export-queue.js';
export { expireDue, expireIfDue, housekeep, TEMPORARY_MAX_AGE_MS } from './expiry.js';
export { openExportQueue, type OpenQueueOptions } from './open-queue.js';
export { produceArchive, type ArchiveSpec } from './produce-archive.js';
export { runQueuedExport, type QueuedExportOutcome } from './queued-export.js';
export { Reaper, type ReapResult } from './reaper.js';
export { newWorkerOwner, Worker } from './worker.js';
export { ImportRunner } from './import-runner.js';
export { requireTenantAccount } from './require-tenant.js';
export {
  exportEvent,
  importEvent,
  logExportState,
  logImportState,
  type EventLog,
} from './lifecycle-log.js';
export { runPiece, writePieceJob } from './piece-job.js';
export type { PieceJobData, PieceOutcome, PieceQueue, PieceState } from './piece-queue.js';
export { PieceLostError } from './piece-watch.js';
export type { SplitOptions } from './split-archive.js';
