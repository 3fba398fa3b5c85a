import type { Catalog, IncludedCategory } from '../catalog/index.js';
import { ENCODED_FORMATS, type CsvOptions, type EncodedFormat } from '../formats/index.js';
import type { KeyRange, SourceSnapshot } from '../sources/index.js';
import type { PieceJobData } from './piece-queue.js';

/** What a split export is cut into. */
export interface SplitPlan {
  /** One job per key range of each split category, per data format. */
  readonly pieces: readonly PieceJobData[];
  /** Piece keys of each split file, by `category`, then format. */
  readonly keys: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** The pieces whose rows count in the progress: each record once, whatever the formats. */
  readonly counted: ReadonlySet<string>;
}

/** Which export, attempt and snapshot the pieces belong to. */
export interface SplitTarget {
  readonly exportId: string;
  readonly fence: number;
  readonly snapshotId: string;
  readonly tenant: string;
  readonly purpose: string;
  readonly formats: readonly string[];
  readonly categories: readonly string[];
  readonly csv: CsvOptions;
}

/** Where the pieces of split exports are stored, one folder per export: outside the archives' keys. */
export const PIECES_PREFIX = 'pieces/';

/** The object key of one piece: under `pieces/<export id>/`. */
export function pieceKey(exportId: string, category: string, format: string, n: number): string {
  return `${PIECES_PREFIX}${exportId}/${category}.${format}.${String(n).padStart(5, '0')}`;
}

/**
 * Cuts every requested category of more than `splitRows` rows into key ranges
 * of `splitRows` rows, with boundaries read inside the snapshot in the order
 * the category is written; the others are left whole, for the coordinator to
 * read itself. Where the cuts fall changes nothing in the archive: the pieces
 * are assembled into the files a single read writes.
 */
export async function planSplit(
  snapshot: SourceSnapshot,
  catalog: Catalog,
  target: SplitTarget,
  splitRows: number,
): Promise<SplitPlan> {
  const requested = new Set(target.categories);
  const formats = target.formats.filter((f): f is EncodedFormat =>
    (ENCODED_FORMATS as readonly string[]).includes(f),
  );
  const stamp = `${target.exportId}:${target.fence}:${target.snapshotId}`;
  const pieces: PieceJobData[] = [];
  const keys = new Map<string, Map<string, string[]>>();
  const counted = new Set<string>();
  for (const category of catalog.categories) {
    if (!category.included || !requested.has(category.name)) continue;
    const ranges = await rangesOf(snapshot, category, target.tenant, splitRows);
    if (ranges === null) continue;
    const byFormat = new Map<string, string[]>();
    for (const format of formats) {
      if (format === 'csv' && !category.tabular) continue;
      const fileKeys = ranges.map((range, n) => {
        const key = pieceKey(target.exportId, category.name, format, n + 1);
        pieces.push({
          exportId: target.exportId,
          fence: target.fence,
          snapshotId: target.snapshotId,
          stamp,
          tenant: target.tenant,
          category: category.name,
          format,
          csv: target.csv,
          canonical: target.purpose === 'audit',
          range,
          key,
        });
        return key;
      });
      if (byFormat.size === 0) for (const key of fileKeys) counted.add(key);
      byFormat.set(format, fileKeys);
    }
    keys.set(category.name, byFormat);
  }
  return { pieces, keys, counted };
}

/** The key ranges of a category of more than `splitRows` rows, or null to read it whole. */
async function rangesOf(
  snapshot: SourceSnapshot,
  category: IncludedCategory,
  tenant: string,
  splitRows: number,
): Promise<KeyRange[] | null> {
  if (snapshot.keyBoundaries === undefined || category.primaryKey.length === 0) return null;
  const read = { source: category.source, orderBy: category.primaryKey, tenant };
  const rows = await snapshot.count(read);
  if (rows <= splitRows) return null;
  const bounds = await snapshot.keyBoundaries(read, splitRows);
  const ranges: KeyRange[] = [];
  let after: readonly string[] | null = null;
  for (const through of bounds) {
    ranges.push({ after, through });
    after = through;
  }
  // The last range is open, so that it ends where the category does.
  const last = ranges[ranges.length - 1];
  if (last !== undefined && bounds.length * splitRows >= rows) {
    ranges[ranges.length - 1] = { after: last.after, through: null };
  } else {
    ranges.push({ after, through: null });
  }
  return ranges;
}
