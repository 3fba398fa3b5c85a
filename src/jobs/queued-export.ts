import type { ExportContext } from './export-context.js';
import { runExport } from './export-job.js';

/** What became of one queue job: the claim's outcome, or the run's. */
export type QueuedExportOutcome =
  'busy' | 'held' | 'exhausted' | 'gone' | Awaited<ReturnType<typeof runExport>>;

/**
 * Runs the export a queue job names: claims its lease in Portage's own table
 * (fenced, honoring the tenant's `maxRunning`), runs it, and says what
 * happened. The caller decides what the queue does next: a `busy` export (its
 * tenant at its limit) and a `released` one (shutdown) must be announced
 * again; every other outcome ends the job.
 */
export async function runQueuedExport(
  ctx: ExportContext,
  exportId: string,
  owner: string,
  shutdown: AbortSignal,
): Promise<QueuedExportOutcome> {
  const { store, settings } = ctx;
  const claim = await store.leases.claimById(exportId, {
    owner,
    leaseMs: settings.leaseSeconds * 1000,
    maxAttempts: settings.maxAttempts,
    limitsOf: (tenant) => store.tenants.limitsOf(tenant, settings.limits),
  });
  if (claim.kind !== 'claimed') return claim.kind;
  return runExport(ctx, claim.lease, claim.export, shutdown);
}
