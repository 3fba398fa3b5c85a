import { toError } from '../errors/index.js';
import { AttachmentFiles } from './attachment-files.js';
import { BundleArchive } from './bundle-archive.js';
import { readBundleContents, type BundleCategory } from './bundle-contents.js';
import { isSignedByTrustedKey } from './bundle-signature.js';
import { checkChecksums } from './checksum-check.js';
import { ImportRefusal, type ImportConflict } from './import-error.js';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './import-limits.js';
import type { ImportOptions, ImportProgress, ImportResult } from './import-options.js';
import { importOrder } from './import-order.js';
import { planCategory } from './import-plan.js';
import type { ImportRun } from './import-run.js';
import { RecordValidator } from './record-validator.js';
import { scanRecords } from './scan-pass.js';
import { writeRecords } from './write-pass.js';

/**
 * Imports a bundle archive into one tenant of the platform, all or nothing:
 *
 * 1. the archive: entry paths, size and count limits, `bundle.json`, the
 *    catalog version, every checksum and the content digest — streamed, never
 *    extracted to disk — and whether `manifest.sig` proves its origin
 *    (`options.trustedKeys`);
 * 2. in one transaction of `options.target`, a scan of every record (schema,
 *    tenant, unique keys, files, conflicts with the target's ids) and then the
 *    writes, category after the categories it references;
 * 3. the commit (not in a dry run), then the attachment files moved into place.
 *
 * A refusal (damaged, foreign or hostile archive, conflicting ids, a record
 * that breaks its schema …) resolves to a `failed` result with its code and
 * nothing written. Other failures (the database unreachable, an abort through
 * `options.signal`) are rolled back too, and rejected.
 */
export async function importBundle(options: ImportOptions): Promise<ImportResult> {
  const mode = options.mode ?? 'preserve';
  const dryRun = options.dryRun ?? false;
  let trusted = options.trusted ?? false;
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const counts: Record<string, number> = {};
  let conflicts: ImportConflict[] = [];
  let archive: BundleArchive | null = null;
  let files: AttachmentFiles | null = null;
  const report = (progress: ImportProgress) => options.onProgress?.(progress);
  try {
    archive = await BundleArchive.open(options.file, limits);
    const contents = await readBundleContents(archive, options.catalog, limits);
    let checked = 0;
    const sums = await checkChecksums(archive, contents.contentSha256, limits, () =>
      report({ phase: 'checking', category: null, rows: 0, files: ++checked }),
    );
    if (!trusted) {
      trusted = await isSignedByTrustedKey(archive, sums, options.trustedKeys ?? [], limits);
    }
    if (!trusted) refusePlatformOwned(contents.categories);
    const plans = importOrder(contents.categories).map(({ deferred, ...bundled }) =>
      planCategory(bundled, {
        trusted,
        account: bundled.category.name === options.catalog.account.name,
        deferred,
      }),
    );
    const opened = archive;
    // A dry run reads no file of the platform's, so it reveals nothing about them.
    const attachments = new AttachmentFiles(
      archive,
      sums,
      dryRun ? null : (options.filesDir ?? null),
      { source: contents.tenant, target: options.tenant },
      contents.missingFiles,
    );
    files = attachments;
    await options.target.transaction(
      async (tx) => {
        const run: ImportRun = {
          archive: opened,
          catalog: options.catalog,
          plans,
          tx,
          mode,
          dryRun,
          tenant: options.tenant,
          sourceTenant: contents.tenant,
          trusted,
          validator: new RecordValidator(options.catalog.version),
          limits,
          files: attachments,
          indexes: new Map(),
          counts,
          progress: (phase, category, rows) => report({ phase, category, rows, files: checked }),
          signal: options.signal,
        };
        const scan = await scanRecords(run);
        conflicts = scan.conflicts;
        if (conflicts.length > 0) {
          throw new ImportRefusal('id_conflict', describeConflicts(scan.counts), conflicts);
        }
        await writeRecords(run);
      },
      { commit: !dryRun },
    );
    if (!dryRun) await attachments.publish();
    return { status: 'completed', mode, dryRun, trusted, counts, conflicts: [], error: null };
  } catch (thrown) {
    await files?.discard();
    if (!(thrown instanceof ImportRefusal)) throw toError(thrown);
    return {
      status: 'failed',
      mode,
      dryRun,
      trusted,
      counts,
      conflicts: thrown.conflicts,
      error: { code: thrown.code, message: thrown.message },
    };
  } finally {
    archive?.close();
  }
}

function describeConflicts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([category, count]) => `${category}: ${count}`);
  return `Records already exist in your account with the same keys; use mode "remap" to import them as new records. ${parts.join('; ')}.`;
}

/** Refuses an untrusted bundle that holds rows of a category only the platform writes. */
function refusePlatformOwned(categories: readonly BundleCategory[]): void {
  const owned = categories.filter((c) => c.category.platformOwned && c.rows > 0);
  if (owned.length > 0) {
    const names = owned.map((c) => `"${c.category.name}"`).join(', ');
    throw new ImportRefusal(
      'untrusted_bundle',
      `The bundle holds records of ${names}, which only the platform writes; their origin is not proven (the bundle is not signed by a trusted key), so they cannot be imported.`,
    );
  }
}
