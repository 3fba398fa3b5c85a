import { dataFilePath } from '../archive/archive-layout.js';
import { BUNDLE_HEADER, BUNDLE_VERSION } from '../archive/bundle-header.js';
import type { Catalog, IncludedCategory } from '../catalog/index.js';
import type { BundleArchive } from './bundle-archive.js';
import { ImportRefusal } from './import-error.js';
import type { ImportLimits } from './import-limits.js';

/** One data file of a bundle category: the whole category, or one of its parts. */
export interface BundleFile {
  /** Archive path: `data/<category>.jsonl`, or `data/<category>.part-00001.jsonl` … */
  readonly path: string;
  /** Rows the header announces for this file; it must hold exactly as many lines. */
  readonly rows: number;
}

/** One category of a bundle, as `bundle.json` lists it, matched to the catalog. */
export interface BundleCategory {
  readonly category: IncludedCategory;
  /** Archive path of its JSON Lines file, `data/<category>.jsonl`, or of its first part. */
  readonly path: string;
  /** Its data files in order: the one file, or its parts. */
  readonly files: readonly BundleFile[];
  /** Rows the header announces; the data files must hold exactly as many lines. */
  readonly rows: number;
}

/** What `bundle.json` and `manifest.json` say about a bundle, checked against the catalog. */
export interface BundleContents {
  /** The tenant the bundle was exported from. */
  readonly tenant: string;
  readonly categories: readonly BundleCategory[];
  /** The manifest's `content_sha256`, checked against `SHA256SUMS`. */
  readonly contentSha256: string;
  /** The paths of the manifest's `missing_files`: files records name that the bundle does not hold. */
  readonly missingFiles: ReadonlySet<string>;
}

interface HeaderCategory {
  name?: unknown;
  path?: unknown;
  rows?: unknown;
  parts?: unknown;
  fields?: unknown;
}

/**
 * Reads `bundle.json` and `manifest.json`: refuses an archive that is not a
 * bundle (`not_a_bundle`), or that was written with another catalog version than
 * `catalog` (`catalog_version_unknown`), and matches every listed category to
 * the catalog's, field by field.
 */
export async function readBundleContents(
  archive: BundleArchive,
  catalog: Catalog,
  limits: ImportLimits,
): Promise<BundleContents> {
  if (!archive.has(BUNDLE_HEADER)) {
    throw new ImportRefusal(
      'not_a_bundle',
      `The archive has no ${BUNDLE_HEADER}: it is not a bundle export (purpose "duplication", format "bundle").`,
    );
  }
  for (const required of ['manifest.json', 'SHA256SUMS']) {
    if (!archive.has(required)) {
      throw new ImportRefusal('not_a_bundle', `The archive has no ${required}.`);
    }
  }
  const header = await readJson(archive, BUNDLE_HEADER, limits);
  const manifest = await readJson(archive, 'manifest.json', limits);
  if (header.format !== 'portage-bundle' || header.bundle_version !== BUNDLE_VERSION) {
    throw new ImportRefusal(
      'not_a_bundle',
      `${BUNDLE_HEADER} is not a Portage bundle header of version ${BUNDLE_VERSION}.`,
    );
  }
  const exported = (manifest.export ?? {}) as Record<string, unknown>;
  for (const [file, version] of [
    [BUNDLE_HEADER, header.catalog_version],
    ['manifest.json', exported.catalog_version],
  ] as const) {
    if (version !== catalog.version) {
      throw new ImportRefusal(
        'catalog_version_unknown',
        `${file} was written with catalog version ${JSON.stringify(version)}; this platform uses ${catalog.version}.`,
      );
    }
  }
  if (typeof header.tenant !== 'string' || typeof manifest.content_sha256 !== 'string') {
    throw new ImportRefusal('not_a_bundle', `${BUNDLE_HEADER} names no tenant or content digest.`);
  }
  if (!Array.isArray(header.categories)) {
    throw new ImportRefusal('not_a_bundle', `${BUNDLE_HEADER} lists no categories.`);
  }
  return {
    tenant: header.tenant,
    categories: (header.categories as HeaderCategory[]).map((c) => matchCategory(c, catalog)),
    contentSha256: manifest.content_sha256,
    missingFiles: new Set(
      (Array.isArray(manifest.missing_files) ? (manifest.missing_files as unknown[]) : []).flatMap(
        (m) => {
          const path = (m as { path?: unknown } | null)?.path;
          return typeof path === 'string' ? [path] : [];
        },
      ),
    ),
  };
}

async function readJson(
  archive: BundleArchive,
  path: string,
  limits: ImportLimits,
): Promise<Record<string, unknown>> {
  const bytes = await archive.readAll(path, limits.maxDocumentBytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ImportRefusal('not_a_bundle', `${path} is not JSON text.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportRefusal('not_a_bundle', `${path} is not a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function matchCategory(listed: HeaderCategory, catalog: Catalog): BundleCategory {
  const name = String(listed.name);
  const category = catalog.categories.find((c) => c.name === name);
  if (category === undefined || !category.included) {
    throw new ImportRefusal(
      'catalog_version_unknown',
      `bundle.json lists a category "${name}" that catalog version ${catalog.version} does not export.`,
    );
  }
  const expected = JSON.stringify(
    category.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable })),
  );
  if (JSON.stringify(listed.fields) !== expected) {
    throw new ImportRefusal(
      'catalog_version_unknown',
      `bundle.json describes the fields of "${name}" differently from catalog version ${catalog.version}.`,
    );
  }
  const rows = Number(listed.rows);
  if (!isCount(listed.rows)) {
    throw new ImportRefusal('not_a_bundle', `bundle.json: category "${name}" has no row count.`);
  }
  const files = listed.parts === undefined ? unsplitFile(name, listed, rows) : parts(name, listed);
  if (files.reduce((sum, f) => sum + f.rows, 0) !== rows) {
    throw new ImportRefusal(
      'not_a_bundle',
      `bundle.json: the parts of category "${name}" do not add up to its ${rows} rows.`,
    );
  }
  return { category, path: files[0]!.path, files, rows };
}

function unsplitFile(name: string, listed: HeaderCategory, rows: number): BundleFile[] {
  const path = dataFilePath(name, 'jsonl', null);
  if (listed.path !== path) {
    throw new ImportRefusal('not_a_bundle', `bundle.json: category "${name}" must be at ${path}.`);
  }
  return [{ path, rows }];
}

/** The parts of a split category, each at `data/<category>.part-<n>.jsonl`, numbered from 1 in order. */
function parts(name: string, listed: HeaderCategory): BundleFile[] {
  const refuse = (detail: string) =>
    new ImportRefusal('not_a_bundle', `bundle.json: category "${name}" ${detail}.`);
  if (listed.path !== undefined) throw refuse('lists both a path and parts');
  if (!Array.isArray(listed.parts) || listed.parts.length === 0) throw refuse('lists no parts');
  return (listed.parts as unknown[]).map((part, i) => {
    const path = dataFilePath(name, 'jsonl', i + 1);
    const { path: at, rows } = (part ?? {}) as { path?: unknown; rows?: unknown };
    if (at !== path) throw refuse(`must have part ${i + 1} at ${path}`);
    if (!isCount(rows)) throw refuse(`has no row count for ${path}`);
    return { path, rows: Number(rows) };
  });
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && Number(value) >= 0;
}
