import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import {
  isMysqlUrl,
  isPostgresUrl,
  POSTGRES_CONNECTION,
  postgresPoolConfig,
  sqlitePath,
  takeConnectionErrors,
} from '../config/index.js';
import { INTERNAL_FAILURE_MESSAGE, PortageError, publicMessage, toError } from '../errors/index.js';
import {
  importBundle,
  MysqlWriter,
  PostgresWriter,
  SqliteWriter,
  type PlatformWriter,
} from '../import/index.js';
import type { ImportClaim, ImportOutcome, ImportRecord } from '../store/index.js';
import type { TrustedKey } from '../verify/index.js';
import type { ExportContext } from './export-context.js';
import { importTrustedKeys } from './import-trusted-keys.js';
import { logImportState } from './lifecycle-log.js';
import { withRetry } from './retry.js';
import { isTransient } from './transient-errors.js';
import { newWorkerOwner } from './worker.js';

/**
 * Runs imports in this process, in the background, up to
 * `PORTAGE_IMPORT_CONCURRENCY` at once and at most `PORTAGE_IMPORT_MAX_RUNNING`
 * of one tenant across every process: a tenant's long import never holds up
 * another tenant's, and a tenant's further imports wait as `pending` for its
 * running ones. Any API process may run any import: the upload waits in the
 * object store, and a process claims an import with a lease in the shared
 * state (renewed while it runs) before running it, so exactly one process
 * runs it at a time. An import is one transaction, so one whose process died
 * left nothing behind: once its lease lapses, another process takes it over,
 * up to `PORTAGE_MAX_ATTEMPTS` starts; then it fails with `attempts_exhausted`.
 */
export class ImportRunner {
  private readonly owner = newWorkerOwner();
  /** Imports this process has heard of but not claimed, oldest first. */
  private readonly waiting = new Map<string, ImportRecord>();
  /** Imports this process runs now. */
  private readonly running = new Map<string, Promise<void>>();
  /** The pass that claims waiting imports, while one runs; `again` asks it for another. */
  private pumping: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: ExportContext) {}

  /**
   * Takes up, now and then every `PORTAGE_REAPER_SECONDS`, the imports nobody
   * runs: pending ones (their process stopped before it began them, or their
   * tenant had its running imports) and those whose process stopped renewing
   * its lease.
   */
  async start(): Promise<void> {
    // A trusted-keys file that cannot be read stops the start, rather than every import.
    await this.trustedKeys();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.ctx.settings.reaperSeconds * 1000);
    this.timer.unref();
  }

  /** Queues an import; it starts once a slot is free and its tenant is below its running cap. */
  submit(record: ImportRecord): void {
    if (this.stopped || this.waiting.has(record.id) || this.running.has(record.id)) return;
    this.waiting.set(record.id, record);
    this.pump();
  }

  /**
   * Stops taking imports and resolves once those running here have finished;
   * those still waiting stay `pending` for the next start or another process.
   */
  async drain(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.pumping;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Claims waiting imports, oldest first, while slots are free. */
  private pump(): void {
    if (this.pumping !== null) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.claimWaiting();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.pumping = null;
    });
  }

  private async claimWaiting(): Promise<void> {
    const { settings, store } = this.ctx;
    const { maxRunning } = settings.importLimits;
    // SQLite has one writer, and an import waiting for its lock blocks this
    // whole process: imports into a SQLite platform run one at a time.
    const concurrency = isServerDatabase(settings.sourceUrl)
      ? settings.importLimits.concurrency
      : 1;
    for (const record of [...this.waiting.values()]) {
      if (this.stopped || this.running.size >= concurrency) return;
      let claim: ImportClaim;
      try {
        claim = await store.imports.claimWithin(
          record.id,
          this.owner,
          settings.leaseSeconds * 1000,
          maxRunning,
        );
      } catch (error) {
        // A failure to reach the state database leaves the import to a later
        // sweep, here or in another process.
        this.waiting.delete(record.id);
        console.error(`import ${record.id}: will be tried again:`, toError(error).message);
        continue;
      }
      // Busy: its tenant runs its share now; a finish here or a sweep tries again.
      if (claim.kind === 'busy') continue;
      this.waiting.delete(record.id);
      if (claim.kind === 'claimed') this.launch(claim.record);
    }
  }

  private launch(record: ImportRecord): void {
    const run = this.run(record)
      .catch((error: unknown) => {
        console.error(`import ${record.id}: will be tried again:`, toError(error).message);
      })
      .finally(() => {
        this.running.delete(record.id);
        if (!this.stopped) this.pump();
      });
    this.running.set(record.id, run);
  }

  private async sweep(): Promise<void> {
    const { store, settings } = this.ctx;
    try {
      for (const record of await store.imports.claimable()) {
        if (record.status === 'running' && record.attempts >= settings.maxAttempts) {
          await this.giveUp(record);
        } else {
          this.submit(record);
        }
      }
      if (!this.stopped) this.pump();
    } catch (error) {
      console.error(
        'imports: looking for imports to run failed, retrying:',
        toError(error).message,
      );
    }
  }

  /** Fails an import whose process stopped during each of its attempts. */
  private async giveUp(record: ImportRecord): Promise<void> {
    const failed = await this.ctx.store.imports.finish(record.id, null, {
      status: 'failed',
      counts: {},
      conflicts: [],
      error: {
        code: 'attempts_exhausted',
        message: `The import was started ${record.attempts} times and its process stopped each time; nothing was written.`,
      },
    });
    if (failed) {
      await logImportState(this.ctx, record.id);
      await this.deleteUpload(record);
    }
  }

  /** Runs an import this process has claimed, and records its outcome. */
  private async run(record: ImportRecord): Promise<void> {
    const { store, settings, catalog } = this.ctx;
    const leaseMs = settings.leaseSeconds * 1000;
    await logImportState(this.ctx, record.id);
    const heartbeat = setInterval(() => {
      store.imports.renew(record.id, this.owner, leaseMs).catch((error: unknown) => {
        console.error(`import ${record.id}: renewing its lease failed:`, toError(error).message);
      });
    }, leaseMs / 3);
    let target: PlatformWriter | null = null;
    let local: string | null = null;
    let outcome: ImportOutcome;
    try {
      local = await this.fetchUpload(record);
      target = openWriter(settings.sourceUrl);
      outcome = await importBundle({
        file: local,
        catalog,
        target,
        tenant: record.tenantId,
        mode: record.mode,
        dryRun: record.dryRun,
        trusted: record.trusted,
        trustedKeys: await this.trustedKeys().catch((error: unknown) => {
          // The cause names a server file: the log gets it, the tenant does not.
          console.error(`import ${record.id}:`, toError(error).message);
          throw new PortageError(
            'internal_error',
            "The keys that tell whether a bundle is trusted cannot be read; the operator's log says why.",
          );
        }),
        filesDir: settings.filesDir,
        limits: {
          maxArchiveBytes: settings.importMaxBytes,
          maxUncompressedBytes: settings.importMaxExpandedBytes,
        },
      });
    } catch (thrown) {
      const error = toError(thrown);
      const code = error instanceof PortageError ? error.code : 'internal_error';
      if (code === 'internal_error') console.error(`import ${record.id} failed:`, error);
      outcome = {
        status: 'failed',
        counts: {},
        conflicts: [],
        error: {
          code,
          message:
            code === 'internal_error' ? INTERNAL_FAILURE_MESSAGE : publicMessage(error.message),
        },
      };
    } finally {
      await target?.close();
      if (local !== null && local !== record.uploadKey) await rm(local, { force: true });
    }
    if (outcome.error !== null)
      outcome = {
        ...outcome,
        error: { ...outcome.error, message: publicMessage(outcome.error.message) },
      };
    let finished: boolean;
    try {
      // The import has committed (or failed) on the platform database: its
      // outcome must reach the state, or a later attempt would run it again.
      // The lease is renewed while the write is retried.
      finished = await withRetry(() => store.imports.finish(record.id, this.owner, outcome), {
        attempts: settings.retryAttempts,
        baseMs: settings.retryBaseMs,
        what: 'recording its outcome',
        isTransient,
        onRetry: (error, retry, waitMs) =>
          console.error(
            `import ${record.id}: recording its outcome failed (${error.message}); retry ${retry} in ${waitMs} ms`,
          ),
      });
    } finally {
      clearInterval(heartbeat);
    }
    if (finished) {
      await logImportState(this.ctx, record.id);
      await this.deleteUpload(record);
    }
  }

  /**
   * The keys whose signature makes a bundle trusted: every key of this
   * deployment's keyring (active and retired, as the folder holds them now)
   * and those of `PORTAGE_IMPORT_TRUSTED_KEYS`, read again for each import.
   *
   * @throws ConfigError naming the setting when its file cannot be used.
   */
  private trustedKeys(): Promise<TrustedKey[]> {
    return importTrustedKeys(this.ctx);
  }

  /**
   * A local copy of the uploaded archive, for the import to read at random.
   * (An absolute path is an upload an earlier version kept on local disk.)
   */
  private async fetchUpload(record: ImportRecord): Promise<string> {
    if (isAbsolute(record.uploadKey)) return record.uploadKey;
    const dir = join(this.ctx.settings.dataDir, 'imports');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${record.id}-${record.attempts}.zip`);
    try {
      await pipeline(
        await this.ctx.storage.read(record.uploadKey),
        createWriteStream(file, { mode: 0o600 }),
      );
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    return file;
  }

  private async deleteUpload(record: ImportRecord): Promise<void> {
    try {
      if (isAbsolute(record.uploadKey)) await rm(record.uploadKey, { force: true });
      else await this.ctx.storage.delete(record.uploadKey);
    } catch (error) {
      console.error(`import ${record.id}: deleting its upload failed:`, toError(error).message);
    }
  }
}

/** Loads pg for a PostgreSQL platform only: on SQLite, an import never loads it. */
const requireCjs = createRequire(import.meta.url);

function isServerDatabase(sourceUrl: string): boolean {
  return isPostgresUrl(sourceUrl) || isMysqlUrl(sourceUrl);
}

/** A writable handle on the platform database the exports read (PostgreSQL, MySQL/MariaDB or SQLite). */
export function openWriter(sourceUrl: string): PlatformWriter {
  if (isPostgresUrl(sourceUrl)) {
    const { Pool } = requireCjs('pg') as typeof pg;
    const pool = takeConnectionErrors(
      new Pool({ ...POSTGRES_CONNECTION, ...postgresPoolConfig(sourceUrl), max: 2 }),
    );
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
  if (isMysqlUrl(sourceUrl)) return new MysqlWriter(sourceUrl);
  return new SqliteWriter(sqlitePath(sourceUrl));
}
