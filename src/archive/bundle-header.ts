import type { Catalog } from '../catalog/index.js';
import type { WrittenCategory } from './manifest.js';

/** Version of the bundle layout; an import refuses versions it does not know. */
export const BUNDLE_VERSION = 1;

/** Name of the bundle header at the archive root. */
export const BUNDLE_HEADER = 'bundle.json';

/**
 * `bundle.json`: what a round-trip import needs to read the bundle — the
 * catalog version it was written with, and per category its data file (or,
 * split, its `parts`, each `path`, `rows` and `sha256`), row count, primary key, fields and references.
 */
export function bundleHeader(input: {
  catalog: Catalog;
  tenant: string;
  exportId: string;
  generatedAt: string;
  written: ReadonlyMap<string, WrittenCategory>;
}) {
  return {
    format: 'portage-bundle',
    bundle_version: BUNDLE_VERSION,
    catalog_version: input.catalog.version,
    platform: input.catalog.platform.name,
    tenant: input.tenant,
    export_id: input.exportId,
    generated_at: input.generatedAt,
    categories: input.catalog.categories.flatMap((c) => {
      const written = input.written.get(c.name);
      const files = written?.files.filter((f) => f.format === 'bundle') ?? [];
      const [file] = files;
      if (!c.included || written === undefined || file === undefined) return [];
      // A split data file is listed part by part; an unsplit one keeps its `path` and `sha256`.
      const where =
        files.length === 1
          ? { path: file.path, rows: written.rows, sha256: file.sha256 }
          : {
              parts: files.map((f) => ({ path: f.path, rows: f.rows, sha256: f.sha256 })),
              rows: written.rows,
            };
      return [
        {
          name: c.name,
          ...where,
          primary_key: [...c.primaryKey],
          fields: c.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable })),
          references: c.references.map((r) => ({ fields: [...r.fields], category: r.category })),
        },
      ];
    }),
  };
}
