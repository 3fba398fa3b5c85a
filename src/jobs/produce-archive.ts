import type { Writable } from 'node:stream';
import {
  buildArchive,
  type BuildInput,
  type BuildProgress,
  type BuildResult,
} from '../archive/export-builder.js';
import { checkDrift, type Catalog } from '../catalog/index.js';
import type { CsvOptions } from '../formats/index.js';
import { PortageError } from '../errors/index.js';
import type { Keyring } from '../signing/index.js';
import type { SourceDatabase, SourceSnapshot } from '../sources/index.js';
import { buildSplitArchive, type SplitOptions } from './split-archive.js';

/** What to export, whoever asked (the API's job or the command line). */
export interface ArchiveSpec {
  readonly exportId: string;
  readonly tenant: string;
  readonly purpose: string;
  readonly formats: readonly string[];
  readonly categories: readonly string[];
  readonly csv: CsvOptions;
  readonly generatedAt: Date;
}

/**
 * Purposes whose `manifest.json` is signed into `manifest.sig`: `audit` (proof
 * for a regulator; refused without a key) and `duplication` (so that an
 * import can tell this deployment's bundles from forged ones; unsigned only
 * when no keyring is given).
 */
const SIGNED_PURPOSES: ReadonlySet<string> = new Set(['audit', 'duplication']);

/**
 * Reads the tenant's data in one consistent snapshot and writes the archive
 * to `output` (with `deps.split`, the large categories read in pieces by
 * every worker, in that same snapshot: see {@link buildSplitArchive}), listing in the manifest whatever the database holds that the
 * catalog does not declare, signed with the keyring's active key for the
 * purposes in {@link SIGNED_PURPOSES}.
 */
export async function produceArchive(
  spec: ArchiveSpec,
  deps: {
    catalog: Catalog;
    source: SourceDatabase;
    settings: { filesDir: string; partBytes?: number };
    keyring?: Keyring;
    /** Split the export into pieces for other workers, where the source shares snapshots. (Default: never) */
    split?: SplitOptions;
  },
  output: Writable,
  options: { onProgress: (p: BuildProgress) => void; signal: AbortSignal },
): Promise<BuildResult> {
  const signed = SIGNED_PURPOSES.has(spec.purpose);
  // A rotation made since the last signed export, by any process, takes effect now.
  if (signed) await deps.keyring?.refresh();
  const signer = signed ? (deps.keyring?.active ?? null) : null;
  if (spec.purpose === 'audit' && signer === null) {
    throw new PortageError(
      'internal_error',
      'An audit export needs a signing key, and none is loaded.',
    );
  }
  const { undeclared } = checkDrift(deps.catalog, await deps.source.introspect());
  const input = (snapshot: SourceSnapshot): BuildInput => ({
    catalog: deps.catalog,
    snapshot,
    exportId: spec.exportId,
    tenant: spec.tenant,
    purpose: spec.purpose,
    formats: spec.formats,
    categories: spec.categories,
    csv: spec.csv,
    generatedAt: spec.generatedAt,
    undeclared,
    filesDir: deps.settings.filesDir,
    ...(deps.settings.partBytes !== undefined && { partBytes: deps.settings.partBytes }),
    signer,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const shared = deps.source.shared;
  // A closure's documents show the first records of each category, which pieces do not carry.
  if (deps.split !== undefined && shared !== undefined && spec.purpose !== 'closure') {
    const split = deps.split;
    return shared.exporting((snapshot, snapshotId) =>
      buildSplitArchive(
        input(snapshot),
        { ...split, snapshotId, catalog: deps.catalog, spec },
        output,
      ),
    );
  }
  return deps.source.withSnapshot((snapshot) => buildArchive(input(snapshot), output));
}
