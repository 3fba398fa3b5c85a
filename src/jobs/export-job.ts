import { toError } from '../errors/index.js';
import type { ExportRecord, Lease } from '../store/index.js';
import { archiveFileName, archiveStorageKey } from './archive-name.js';
import type { ExportContext } from './export-context.js';
import { classifyFailure } from './failure.js';
import { produceArchive } from './produce-archive.js';

const PROGRESS_EVERY_MS = 250;

/**
 * Runs one claimed export to its end: writes the archive under a temporary
 * key, verifies and publishes it, and marks the export completed — or fails it
 * with a coded error, leaving no object behind. While it runs it renews its
 * lease; if the lease is lost (canceled, or lapsed and taken by another
 * worker) it stops and writes nothing more.
 */
export async function runExport(
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

  let lastReport = 0;
  let reporting: Promise<unknown> = Promise.resolve();
  const fileName = archiveFileName(record.tenantId, record.purpose, record.createdAt, record.id);
  const storageKey = archiveStorageKey(record.tenantId, fileName);
  const pending = await ctx.storage.beginWrite(storageKey);
  try {
    const result = await produceArchive(
      { ...record, exportId: record.id, tenant: record.tenantId, generatedAt: new Date() },
      ctx,
      pending.writable,
      {
        signal,
        onProgress: (progress) => {
          const now = Date.now();
          if (now - lastReport < PROGRESS_EVERY_MS) return;
          lastReport = now;
          reporting = store.leases.progress(lease, progress).then((held) => held || lost.abort());
        },
      },
    );
    await reporting;
    if (!(await store.leases.progress(lease, result.progress))) lost.abort();
    signal.throwIfAborted();
    await pending.publish({ bytes: result.bytes, sha256: result.sha256 });
    const done = await store.leases.complete(lease, {
      fileName,
      bytes: result.bytes,
      sha256: result.sha256,
      storageKey,
      retentionMs: settings.retentionSeconds * 1000,
    });
    if (!done) {
      // Canceled or taken over while publishing: the object must not outlive the claim.
      await ctx.storage.delete(storageKey);
      return 'lost';
    }
    return 'completed';
  } catch (thrown) {
    await pending.abort().catch(() => undefined);
    if (lost.signal.aborted) return 'lost';
    if (shutdown.aborted) {
      await store.leases.release(lease);
      return 'released';
    }
    const failure = classifyFailure(thrown);
    if (failure.code === 'internal_error')
      console.error(`export ${record.id} failed:`, toError(thrown));
    await store.leases.fail(lease, failure.code, failure.message);
    return 'failed';
  } finally {
    clearInterval(heartbeat);
  }
}
