import type { Manifest } from '../archive/index.js';
import type { Catalog, IncludedCategory } from '../catalog/index.js';
import type { Row } from '../formats/index.js';

/**
 * The manifest as the archive's documents see it: the same object `README.md`
 * is written from, with the content digest (every data file, schema and
 * attachment is written before the documents) but before the documents' own
 * checksums are known.
 */
export type ManifestOverview = Omit<Manifest, 'documents'>;

/** A file already written to the archive, with its size and SHA-256. */
export interface WrittenFile {
  readonly bytes: number;
  readonly sha256: string;
}

/** The first records of each requested category, by category name, as {@link RecordSampler} keeps them. */
export type RecordSamples = ReadonlyMap<string, readonly Row[]>;

/** What `index.html` is written from. */
export interface IndexHtmlInput {
  readonly manifest: ManifestOverview;
  /** The catalog the export was made from: it gives each field's type and description. */
  readonly catalog: Catalog;
  /** The first records of each requested category; a category missing here shows no records. */
  readonly samples: RecordSamples;
  /**
   * Files written to the archive before `index.html` (schemas, `README.md`,
   * `summary.pdf`, …) by path: the file list shows their size and checksum.
   * (Default: none; data files take theirs from the manifest)
   */
  readonly written?: ReadonlyMap<string, WrittenFile>;
  /** Cells longer than this many characters are shortened in the HTML view. (Default: 500) */
  readonly maxCellChars?: number;
}

/** What `summary.pdf` is written from. */
export interface SummaryPdfInput {
  readonly manifest: ManifestOverview;
}

/** Longest cell text the HTML view shows before shortening it. */
export const DEFAULT_MAX_CELL_CHARS = 500;

/** The catalog's definition of an included category, found by name. */
export function includedCategory(catalog: Catalog, name: string): IncludedCategory | null {
  const category = catalog.categories.find((c) => c.name === name);
  return category?.included ? category : null;
}
