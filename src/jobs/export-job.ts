import { toError } from '../errors/index.js';
import type { ExportRecord, Lease } from '../store/index.js';
import { archiveFileName, archiveStorageKey } from './archive-name.js';
import type { ExportContext } from './export-context.js';
import { classifyFailure, WRITING_THE_ARCHIVE } from './failure.js';
import { logExportState } from './lifecycle-log.js';
import { produceArchive } from './produce-archive.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { isTransient } from './transient-errors.js';

const PROGRESS_EVERY_MS = 250;

/**
 * Runs one claimed export to its end: writes the archive under a temporary
 * key, verifies and publishes it, and marks the export completed — or fails it
 * with a coded error, leaving no object behind. While it runs it renews its
 * lease; if the lease is lost (canceled, or lapsed and taken by another
 * worker) it stops and writes nothing more.
 *
 * A transient failure of storage or of the platform database (see
 * {@link isTransient}) makes it write the whole archive again, to a fresh
 * temporary object, after an exponential backoff (`settings.retryAttempts`
 * tries, waits from `settings.retryBaseMs`); its own state writes are retried
 * the same way. When the tries are spent the export fails with
 * `storage_failed` or `source_read_failed`, saying how often it tried and why.
 */
export async function runExport(
  ctx: ExportContext,
  lease: Lease,
  record: ExportRecord,
  shutdown: AbortSignal,
): Promise<'completed' | 'failed' | 'lost' | 'released'> {
  await logExportState(ctx, record.id);
  const outcome = await runClaimed(ctx, lease, record, shutdown);
  if (outcome !== 'lost') await logExportState(ctx, record.id);
  return outcome;
}

async function runClaimed(
  ctx: ExportContext,
  lease: Lease,
  record: ExportRecord,
  shutdown: AbortSignal,
): Promise<'completed' | 'failed' | 'lost' | 'released'> {
  const { store, settings } = ctx;
  const leaseMs = settings.leaseSeconds * 1000;
  const lost = new AbortController();
  const signal = AbortSignal.any([lost.signal, shutdown]);
  const heartbeat = setInterval(() => {
    store.leases.renew(lease, leaseMs).then(
      (held) => held || lost.abort(new Error('lease lost')),
      () => undefined,
    );
  }, leaseMs / 3);
  const policy: RetryPolicy = { attempts: settings.retryAttempts, baseMs: settings.retryBaseMs };
  const retried = <T>(what: string, work: () => Promise<T>, abort?: AbortSignal): Promise<T> =>
    withRetry(work, {
      ...policy,
      what,
      isTransient,
      signal: abort,
      onRetry: (error, retry, waitMs) =>
        console.error(
          `export ${record.id}: ${what} failed (${error.message}); ` +
            `retry ${retry} of ${policy.attempts - 1} in ${waitMs} ms`,
        ),
    });

  let lastReport = 0;
  let reporting: Promise<unknown> = Promise.resolve();
  const fileName = archiveFileName(record.tenantId, record.purpose, record.createdAt, record.id);
  const storageKey = archiveStorageKey(record.tenantId, fileName);
  try {
    const result = await retried(
      WRITING_THE_ARCHIVE,
      async () => {
        const pending = await ctx.storage.beginWrite(storageKey);
        try {
          const built = await produceArchive(
            { ...record, exportId: record.id, tenant: record.tenantId, generatedAt: new Date() },
            {
              ...ctx,
              ...(ctx.pieces !== undefined &&
                settings.splitRows > 0 && {
                  split: {
                    rows: settings.splitRows,
                    queue: ctx.pieces,
                    fence: lease.fence,
                    objects: ctx.storage,
                    pollMs: Math.min(settings.pollMs, 250),
                  },
                }),
            },
            pending.writable,
            {
              signal,
              onProgress: (progress) => {
                const now = Date.now();
                if (now - lastReport < PROGRESS_EVERY_MS) return;
                lastReport = now;
                // Progress is best effort: the heartbeat notices a lost lease.
                reporting = store.leases.progress(lease, progress).then(
                  (held) => held || lost.abort(),
                  () => undefined,
                );
              },
            },
          );
          await reporting;
          const held = await retried('recording progress', () =>
            store.leases.progress(lease, built.progress),
          );
          if (!held) lost.abort();
          signal.throwIfAborted();
          await pending.publish({ bytes: built.bytes, sha256: built.sha256 });
          return built;
        } catch (thrown) {
          await pending.abort().catch(() => undefined);
          throw thrown;
        }
      },
      signal,
    );
    const completion = {
      fileName,
      bytes: result.bytes,
      sha256: result.sha256,
      storageKey,
      retentionMs: settings.retentionSeconds * 1000,
    };
    let done: boolean;
    try {
      done = await retried('marking the export completed', () =>
        store.leases.complete(lease, completion),
      );
    } catch (error) {
      // Unknown whether it committed: keep the object; once the lease lapses the export is taken over.
      console.error(`export ${record.id}: published, but not recorded:`, toError(error).message);
      return 'lost';
    }
    if (!done && !(await completedEarlier(ctx, lease, completion.sha256))) {
      // Canceled or taken over while publishing: the object must not outlive the claim.
      await retried('deleting the unclaimed archive', () => ctx.storage.delete(storageKey));
      return 'lost';
    }
    return 'completed';
  } catch (thrown) {
    if (lost.signal.aborted) return 'lost';
    if (shutdown.aborted) {
      await retried('releasing the export', () => store.leases.release(lease));
      return 'released';
    }
    const failure = classifyFailure(thrown);
    if (failure.code === 'internal_error')
      console.error(`export ${record.id} failed:`, toError(thrown));
    await retried('recording the failure', () =>
      store.leases.fail(lease, failure.code, failure.message),
    );
    return 'failed';
  } finally {
    clearInterval(heartbeat);
  }
}

/** Whether a completion refused on a retry had in fact committed on an earlier try (its answer lost). */
async function completedEarlier(
  ctx: ExportContext,
  lease: Lease,
  sha256: string,
): Promise<boolean> {
  const now = await ctx.store.exports.getById(lease.exportId);
  return now?.status === 'completed' && now.fence === lease.fence && now.file?.sha256 === sha256;
}
