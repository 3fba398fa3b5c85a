export { archiveFileName, archiveStorageKey } from './archive-name.js';
export { LocalDispatcher, type Dispatcher } from './dispatcher.js';
export type { ExportContext } from './export-context.js';
export { runExport } from './export-job.js';
export { expireDue } from './expiry.js';
export { produceArchive, type ArchiveSpec } from './produce-archive.js';
export { Worker } from './worker.js';
