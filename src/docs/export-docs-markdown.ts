import { formatDuration as duration } from '../documents/document-wording.js';
import type { CatalogDocument } from './catalog-document.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The export documentation as Markdown (the repository's `docs/export.md`). */
export function renderExportDocsMarkdown(doc: CatalogDocument): string {
  const out: string[] = [
    `# What an export of ${doc.platform.name} contains`,
    '',
    `<!-- Generated from the catalog (version ${doc.catalog_version}) by \`npm run docs\`; do not edit by hand. -->`,
    '',
    doc.platform.description,
    '',
    "This page is derived from the platform's catalog, the same file that decides what every export contains: every category of data the platform holds about a customer is listed, whether it is exported or not, and why.",
    '',
    '## Purposes',
    '',
    '| purpose | for | default formats | allowed formats |',
    '| --- | --- | --- | --- |',
    ...doc.purposes.map(
      (p) =>
        `| \`${p.name}\` | ${cell(p.description)} | ${p.default_formats.join(', ')} | ${p.allowed_formats.join(', ')} |`,
    ),
    '',
    '## Categories',
    '',
    '| category | exported | why not / formats |',
    '| --- | --- | --- |',
    ...doc.categories.map((c) =>
      c.included
        ? `| [${cell(c.title)}](#${c.name}) (\`${c.name}\`) | yes | ${c.formats.join(', ')} |`
        : `| ${cell(c.title)} (\`${c.name}\`) | **no** | ${cell(c.reason)} |`,
    ),
  ];
  for (const c of doc.categories) {
    out.push('', `### ${c.title} (\`${c.name}\`)`, '', c.description, '');
    if (!c.included) {
      out.push(`**Not exported.** ${c.reason}`);
      continue;
    }
    out.push(
      `Primary key: ${c.primary_key.map((k) => `\`${k}\``).join(', ')}. Formats: ${c.formats.join(', ')}. Schema: \`${c.schema}\`.`,
      '',
      '| field | type | null | description |',
      '| --- | --- | --- | --- |',
      ...c.fields.map(
        (f) =>
          `| \`${f.name}\` | ${f.type} | ${f.nullable ? 'yes' : 'no'} | ${cell(f.description)} |`,
      ),
    );
    if (c.excluded_fields.length > 0) {
      out.push('', 'Fields the platform holds but never exports:', '');
      out.push(...c.excluded_fields.map((f) => `- \`${f.name}\`: ${f.reason}`));
    }
    if (c.references.length > 0) {
      out.push(
        '',
        `References: ${c.references.map((r) => `\`${r.fields.join('`, `')}\` → \`${r.category}\``).join(', ')}.`,
      );
    }
    if (c.attachments) {
      out.push(
        '',
        `The files themselves are in the archive, at \`attachments/<${c.attachments.path_field}>\`.`,
      );
    }
  }
  const limits = doc.rate_limits;
  out.push(
    '',
    '## Rate limits and lifetimes',
    '',
    `- ${limits.exports_per_24_hours} exports per rolling 24 hours and ${limits.exports_per_30_days} per rolling 30 days, per tenant; at most ${limits.running_at_once} of a tenant's exports run at once.`,
    `- ${limits.note}`,
    `- A download link lasts ${duration(doc.lifetimes.download_url_seconds)}; a fresh one comes with every read of the export. An archive is kept ${duration(doc.lifetimes.archive_retention_seconds)}, then deleted, and the export becomes \`expired\`.`,
    '',
    '## The archive',
    '',
    '| path | what it is |',
    '| --- | --- |',
    ...doc.archive_layout.map((e) => `| \`${e.path}\` | ${cell(e.description)} |`),
    '',
    '## CSV dialect',
    '',
    ...doc.csv_dialect.map((line) => `- ${line}`),
    '',
    '## Verifying an archive',
    '',
    ...doc.verification.map((line, i) => `${i + 1}. ${line}`),
    '',
  );
  return out.join('\n');
}
