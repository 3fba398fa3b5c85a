/**
 * The codes an import fails with, each a refusal the caller caused (a damaged,
 * foreign or hostile archive, or data that does not fit the target). The
 * import returns them in its result instead of throwing.
 */
export const IMPORT_ERROR_CODES = [
  'checksum_mismatch',
  'catalog_version_unknown',
  'not_a_bundle',
  'unsafe_path',
  'archive_too_large',
  'schema_violation',
  'id_conflict',
  'id_unavailable',
  'untrusted_bundle',
  'reference_unresolved',
  'constraint_violation',
  'catalog_invalid',
] as const;

/** One code of {@link IMPORT_ERROR_CODES}. */
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** A primary key of the bundle that the target tenant already holds (a key of several fields is a JSON array). */
export interface ImportConflict {
  readonly category: string;
  readonly key: unknown;
}

/**
 * A refusal: why the bundle cannot be imported, naming the category, line,
 * file or field at fault. Thrown inside the engine and turned into a `failed`
 * result at its edge; never escapes {@link importBundle}.
 */
export class ImportRefusal extends Error {
  override readonly name = 'ImportRefusal';

  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly conflicts: readonly ImportConflict[] = [],
  ) {
    super(message);
  }
}
