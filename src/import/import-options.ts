import type { Catalog } from '../catalog/index.js';
import type { TrustedKey } from '../verify/index.js';
import type { ImportConflict, ImportErrorCode } from './import-error.js';
import type { ImportLimits } from './import-limits.js';
import type { PlatformWriter } from './platform-writer.js';

/**
 * How records keep their identity:
 * - `preserve` keeps keys and timestamps (for an empty target or a fresh
 *   platform); a key the target tenant already holds fails the import with
 *   `id_conflict` naming it, one another tenant holds with `id_unavailable`
 *   naming none; the account record updates the target tenant's own row.
 * - `remap` gives new keys of each key's type (integers no row of the target
 *   holds, random UUIDs, text per the catalog's `new_key`) and rewrites every
 *   reference per the catalog, keeping timestamps; the target tenant's own
 *   row is left alone.
 *
 * In both, a category keyed by the tenant column (one row per tenant) is
 * written for the target tenant: updated when it holds the row, inserted otherwise.
 */
export type ImportMode = 'preserve' | 'remap';

/** Where an import stands, reported as it moves on. */
export interface ImportProgress {
  /** `checking` archive integrity, `scanning` records (schema, keys, conflicts), `writing` them. */
  readonly phase: 'checking' | 'scanning' | 'writing';
  /** The category being read; null while checking. */
  readonly category: string | null;
  /** Rows read in this phase so far, across categories. */
  readonly rows: number;
  /** Archive entries whose checksum was checked so far. */
  readonly files: number;
}

/** What {@link importBundle} needs. */
export interface ImportOptions {
  /** Path of the bundle archive (a zip exported with purpose `duplication`). */
  readonly file: string;
  /** The catalog in use; the bundle must carry the same `catalog_version`. */
  readonly catalog: Catalog;
  /** The target platform database; the import runs in one transaction of it. */
  readonly target: PlatformWriter;
  /** The tenant the records are written into (every row's tenant column is set to it). */
  readonly tenant: string;
  /** (Default: `preserve`) */
  readonly mode?: ImportMode;
  /**
   * Check everything, conflicts with the target tenant's own rows included,
   * and report counts, writing nothing. (Default: false)
   */
  readonly dryRun?: boolean;
  /**
   * Whether the bundle's origin is proven (its signature verified, or an
   * operator vouches for it). An untrusted bundle may not write platform-owned
   * categories (`untrusted_bundle`) nor platform-owned fields: those keep
   * their value on an existing row and get their import default on a new one.
   * (Default: false)
   */
  readonly trusted?: boolean;
  /**
   * Keys whose signature makes a bundle trusted: a bundle whose `manifest.sig`
   * verifies under one of them is imported as if `trusted` were set. One that
   * names one of them but does not verify is refused (`checksum_mismatch`).
   * (Default: none)
   */
  readonly trustedKeys?: readonly TrustedKey[];
  /**
   * The platform's files directory, where attachment files are written under
   * their `storage_key`. Null writes no file (only checks the archive holds
   * them). (Default: null)
   */
  readonly filesDir?: string | null;
  /** Overrides of {@link DEFAULT_IMPORT_LIMITS}. (Default: none) */
  readonly limits?: Partial<ImportLimits>;
  /** Called as the import moves on; must be cheap. (Default: none) */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Stops the import (rolled back) between batches. (Default: none) */
  readonly signal?: AbortSignal;
}

/**
 * The outcome of an import. A refusal the archive or the target causes is a
 * `failed` result, not an exception; `counts` and `conflicts` are filled as
 * far as the import got.
 */
export interface ImportResult {
  readonly status: 'completed' | 'failed';
  readonly mode: ImportMode;
  readonly dryRun: boolean;
  readonly trusted: boolean;
  /** Rows written per category (in a dry run: rows that would be written). */
  readonly counts: Record<string, number>;
  /** Keys the target tenant already holds (the first of each category). */
  readonly conflicts: readonly ImportConflict[];
  readonly error: { readonly code: ImportErrorCode; readonly message: string } | null;
}
