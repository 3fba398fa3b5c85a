import type { Manifest } from '../archive/index.js';
import type { Catalog, IncludedCategory } from '../catalog/index.js';
import type { Row } from '../formats/index.js';

/**
 * The manifest as the archive's documents see it: the same object `README.md`
 * is written from, before the documents' own checksums and the content digest
 * are known.
 */
export type ManifestOverview = Omit<Manifest, 'documents' | 'content_sha256'>;

/** The first records of each requested category, by category name, as {@link RecordSampler} keeps them. */
export type RecordSamples = ReadonlyMap<string, readonly Row[]>;

/** What `index.html` is written from. */
export interface IndexHtmlInput {
  readonly manifest: ManifestOverview;
  /** The catalog the export was made from: it gives each field's type and description. */
  readonly catalog: Catalog;
  /** The first records of each requested category; a category missing here shows no records. */
  readonly samples: RecordSamples;
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
