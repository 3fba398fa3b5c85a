import { ARCHIVE_LAYOUT, CSV_DIALECT, VERIFY_STEPS } from '../archive/index.js';
import type { Catalog } from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import { schemaPath } from '../formats/index.js';
import { PURPOSE_RULES, PURPOSES } from '../store/index.js';

const PURPOSE_TEXT: Record<string, string> = {
  migration: 'Leaving for another service: complete data with a stable, documented schema.',
  duplication: 'A sandbox copy, a second account or a backup: a bundle that imports back exactly.',
  closure:
    'Closing the account and keeping a record: self-documenting, readable without any other context.',
  audit: 'Proving to a regulator what is held: reproducible, timestamped and signed.',
};

/** `GET /v1/catalog`: everything an export can contain and what it never contains, from the catalog alone. */
export type CatalogDocument = ReturnType<typeof buildCatalogDocument>;

/**
 * Derives the public description of exports from the catalog and the limits in
 * force: every category (included or not and why), every field, the purposes
 * and their formats, the rate limits, the CSV dialect, the archive layout and
 * how to verify an archive. Nothing here is written by hand per category.
 */
export function buildCatalogDocument(
  catalog: Catalog,
  settings: Pick<Settings, 'limits' | 'downloadTtlSeconds' | 'retentionSeconds'>,
) {
  return {
    object: 'catalog' as const,
    platform: catalog.platform,
    catalog_version: catalog.version,
    purposes: PURPOSES.map((name) => ({
      name,
      description: PURPOSE_TEXT[name] ?? '',
      default_formats: [...PURPOSE_RULES[name].defaults],
      allowed_formats: [...PURPOSE_RULES[name].allowed],
    })),
    categories: catalog.categories.map((c) =>
      c.included
        ? {
            name: c.name,
            title: c.title,
            description: c.description,
            included: true as const,
            formats: [
              ...new Set(
                PURPOSES.flatMap((p) => PURPOSE_RULES[p].allowed).filter(
                  (f) => f !== 'pdf' && (f !== 'csv' || c.tabular),
                ),
              ),
            ],
            primary_key: [...c.primaryKey],
            schema: schemaPath(c.name),
            fields: c.fields.map((f) => ({
              name: f.name,
              type: f.type,
              nullable: f.nullable,
              description: f.description,
            })),
            excluded_fields: c.excludedFields.map((f) => ({ name: f.name, reason: f.reason })),
            references: c.references.map((r) => ({ fields: [...r.fields], category: r.category })),
            attachments: c.files
              ? { path_field: c.files.pathField, directory: 'attachments/' }
              : null,
          }
        : {
            name: c.name,
            title: c.title,
            description: c.description,
            included: false as const,
            reason: c.reason,
          },
    ),
    rate_limits: {
      exports_per_24_hours: settings.limits.perDay,
      exports_per_30_days: settings.limits.perMonth,
      running_at_once: settings.limits.maxRunning,
      note: 'Per tenant, over rolling windows. A replayed Idempotency-Key spends nothing, nor does an export Portage itself failed; a canceled one counts. Over a limit, POST /v1/exports answers 429 with Retry-After, RateLimit-Policy and RateLimit headers; exports beyond the running limit wait as pending.',
    },
    lifetimes: {
      download_url_seconds: settings.downloadTtlSeconds,
      archive_retention_seconds: settings.retentionSeconds,
    },
    csv_dialect: [...CSV_DIALECT],
    archive_layout: ARCHIVE_LAYOUT.map((entry) => ({ ...entry })),
    verification: [...VERIFY_STEPS],
  };
}
