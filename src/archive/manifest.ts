import type { Catalog, UndeclaredItem } from '../catalog/index.js';
import { schemaPath, type CsvOptions } from '../formats/index.js';
import type { MissingFile } from './attachment-writer.js';

/** Version of the manifest layout; bumped on any incompatible change. */
export const MANIFEST_VERSION = 1;

/** One data file of a category, as listed in the manifest. */
export interface ManifestFile {
  readonly path: string;
  readonly format: string;
  readonly media_type: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** A category as the manifest describes it: every catalog category appears. */
export type ManifestCategory =
  | {
      readonly name: string;
      readonly title: string;
      readonly description: string;
      readonly included: true;
      /** False when the request left this category out. */
      readonly requested: boolean;
      readonly rows: number | null;
      readonly files: readonly ManifestFile[];
      readonly schema: string;
      /** The files the records reference, under `attachments/<path field value>`; null when none. */
      readonly attachments: {
        readonly path_field: string;
        readonly directory: string;
        readonly count: number;
        readonly bytes: number;
      } | null;
      readonly excluded_fields: readonly { readonly name: string; readonly reason: string }[];
    }
  | {
      readonly name: string;
      readonly title: string;
      readonly description: string;
      readonly included: false;
      readonly requested: boolean;
      readonly reason: string;
    };

/** `manifest.json`: what is in the export and what is not. */
export interface Manifest {
  readonly manifest_version: number;
  readonly export: {
    readonly id: string;
    readonly tenant: string;
    /** The account's display name (the catalog's account display field), for people to read. */
    readonly account_name: string;
    readonly purpose: string;
    readonly formats: readonly string[];
    readonly generated_at: string;
    readonly catalog_version: string;
    readonly platform: { readonly name: string; readonly description: string };
    readonly csv: { readonly bom: boolean; readonly formula_protection: boolean } | null;
    /** The `kid` of the key that signed `manifest.sig` (audit and duplication exports); null when unsigned. */
    readonly signing_key_id: string | null;
  };
  readonly categories: readonly ManifestCategory[];
  readonly undeclared: readonly UndeclaredItem[];
  /**
   * Files that records name but the archive does not hold: outside the
   * tenant's folder (never read), or not there. Empty when every file was copied.
   */
  readonly missing_files: readonly MissingFile[];
  /** Documents at the archive root (README.md and others), with their checksums. */
  readonly documents: readonly {
    readonly path: string;
    readonly bytes: number;
    readonly sha256: string;
  }[];
  readonly content_sha256: string;
}

/** The results of writing one included, requested category. */
export interface WrittenCategory {
  readonly rows: number;
  readonly files: readonly ManifestFile[];
  readonly attachments: { readonly count: number; readonly bytes: number } | null;
}

/** Everything the manifest is built from. */
export interface ManifestInput {
  readonly catalog: Catalog;
  readonly exportId: string;
  readonly tenant: string;
  readonly accountName: string;
  readonly purpose: string;
  readonly formats: readonly string[];
  readonly generatedAt: string;
  readonly requested: ReadonlySet<string>;
  readonly csv: CsvOptions | null;
  readonly written: ReadonlyMap<string, WrittenCategory>;
  readonly undeclared: readonly UndeclaredItem[];
  readonly missingFiles: readonly MissingFile[];
  readonly documents: Manifest['documents'];
  readonly contentSha256: string;
  readonly signingKeyId: string | null;
}

/** Builds the manifest: every catalog category, in catalog order, included or not. */
export function buildManifest(input: ManifestInput): Manifest {
  const { catalog } = input;
  return {
    manifest_version: MANIFEST_VERSION,
    export: {
      id: input.exportId,
      tenant: input.tenant,
      account_name: input.accountName,
      purpose: input.purpose,
      formats: input.formats,
      generated_at: input.generatedAt,
      catalog_version: catalog.version,
      platform: { name: catalog.platform.name, description: catalog.platform.description },
      signing_key_id: input.signingKeyId,
      csv: input.csv && { bom: input.csv.bom, formula_protection: input.csv.formulaProtection },
    },
    categories: catalog.categories.map((category): ManifestCategory => {
      const base = {
        name: category.name,
        title: category.title,
        description: category.description,
        requested: input.requested.has(category.name),
      };
      if (!category.included) return { ...base, included: false, reason: category.reason };
      const written = input.written.get(category.name);
      return {
        ...base,
        included: true,
        rows: written?.rows ?? null,
        files: written?.files ?? [],
        schema: schemaPath(category.name),
        attachments:
          category.files && written?.attachments
            ? {
                path_field: category.files.pathField,
                directory: 'attachments/',
                ...written.attachments,
              }
            : null,
        excluded_fields: category.excludedFields.map((f) => ({ name: f.name, reason: f.reason })),
      };
    }),
    undeclared: input.undeclared,
    missing_files: input.missingFiles,
    documents: input.documents,
    content_sha256: input.contentSha256,
  };
}
