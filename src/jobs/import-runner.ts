import { rm } from 'node:fs/promises';
import { isPostgresUrl, sqlitePath } from '../config/index.js';
import { PortageError, toError } from '../errors/index.js';
import pg from 'pg';
import {
  importBundle,
  PostgresWriter,
  SqliteWriter,
  type PlatformWriter,
} from '../import/index.js';
import type { ImportRecord } from '../store/index.js';
import type { ExportContext } from './export-context.js';

/**
 * Runs imports one after another in this process, in the background. The
 * upload waits in the data directory until its import finishes; imports left
 * pending or running by a stopped process are run again at the next start
 * (an import is one transaction, so a half-run one left nothing behind).
 */
export class ImportRunner {
  private queue: Promise<void> = Promise.resolve();
  private readonly idle = new Set<Promise<void>>();

  constructor(private readonly ctx: ExportContext) {}

  /** Runs every import a stopped process left unfinished. */
  async resume(): Promise<void> {
    for (const record of await this.ctx.store.imports.unfinished()) this.submit(record);
  }

  /** Queues an import; it runs after those queued before it. */
  submit(record: ImportRecord): void {
    const run = this.queue.then(() => this.run(record));
    this.queue = run.catch(() => undefined);
    this.idle.add(run);
    void run.finally(() => this.idle.delete(run));
  }

  /** Resolves once every queued import has finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.idle]);
  }

  private async run(record: ImportRecord): Promise<void> {
    const { store, settings, catalog } = this.ctx;
    if (!(await store.imports.start(record.id))) return;
    let target: PlatformWriter | null = null;
    try {
      target = openWriter(settings.sourceUrl);
      const result = await importBundle({
        file: record.uploadPath,
        catalog,
        target,
        tenant: record.tenantId,
        mode: record.mode,
        dryRun: record.dryRun,
        filesDir: settings.filesDir,
      });
      await store.imports.finish(record.id, result);
    } catch (thrown) {
      const error = toError(thrown);
      const code = error instanceof PortageError ? error.code : 'internal_error';
      if (code === 'internal_error') console.error(`import ${record.id} failed:`, error);
      await store.imports.finish(record.id, {
        status: 'failed',
        counts: {},
        conflicts: [],
        error: { code, message: error.message },
      });
    } finally {
      await target?.close();
      await rm(record.uploadPath, { force: true });
    }
  }
}

/** A writable handle on the platform database the exports read. */
function openWriter(sourceUrl: string): PlatformWriter {
  if (isPostgresUrl(sourceUrl)) {
    const pool = new pg.Pool({ connectionString: sourceUrl, max: 2 });
    const writer = new PostgresWriter(pool);
    return {
      dialect: writer.dialect,
      transaction: (work, options) => writer.transaction(work, options),
      close: async () => {
        await writer.close();
        await pool.end();
      },
    };
  }
  return new SqliteWriter(sqlitePath(sourceUrl));
}
