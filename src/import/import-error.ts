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
  'reference_unresolved',
  'constraint_violation',
  'catalog_invalid',
] as const;

/** One code of {@link IMPORT_ERROR_CODES}. */
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** Primary keys of one category that already exist in the target. */
export interface ImportConflict {
  readonly category: string;
  /** The first conflicting keys (a key of several fields is a JSON array). */
  readonly ids: readonly unknown[];
  /** How many conflicting keys there are in all. */
  readonly count: number;
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
