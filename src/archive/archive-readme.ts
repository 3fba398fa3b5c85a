import { partWording } from './archive-layout.js';
import { opensslVerifyMarkdown } from '../signing/index.js';
import type { Manifest } from './manifest.js';

/** Catalog text (itself Markdown) made safe for one Markdown table cell. */
const cell = (text: string) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

/** The CSV dialect, stated once for every document that explains it. */
export const CSV_DIALECT: readonly string[] = [
  'RFC 4180: fields separated by commas, records ended by CRLF, a header row of field names first.',
  'UTF-8 text; with the `bom` option the file starts with a byte-order mark (EF BB BF).',
  'A field holding a comma, a double quote, CR or LF is enclosed in double quotes; a double quote inside it is doubled.',
  'A null value is an empty field (`,,`); an empty string is a quoted empty field (`,"",`), so the two stay distinct.',
  'Booleans are `true` / `false`; timestamps are RFC 3339 UTC with the fractional digits each field declares, as its JSON Schema states (`2025-03-04T08:20:30.123456Z` for six); `bigint` and `decimal` values are exact decimal text, a `decimal` with exactly as many digits after the point as its scale.',
  'Nested values (JSON fields) are JSON text in the cell, object keys sorted.',
  "With the `formula_protection` option, a text or JSON cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so spreadsheets show it as text instead of running it as a formula (number, boolean, date and timestamp cells are never changed); the option is on by default for `closure` exports and off otherwise, and recorded in `manifest.json` under `export.csv`.",
];

/**
 * The command that recomputes an archive's `content_sha256` inside its
 * unzipped folder: the sha256 of the `SHA256SUMS` lines of the files under
 * `data/`, `schemas/` and `attachments/` (SPEC §11 "Digest bytes"; those lines
 * are already sorted by path).
 */
export const CONTENT_DIGEST_COMMAND =
  "grep -E '^[0-9a-f]{64}  (data|schemas|attachments)/' SHA256SUMS | sha256sum";

/** The commands that check an archive with standard tools alone. */
export const VERIFY_STEPS: readonly string[] = [
  'Unzip the archive and, inside its folder, run `sha256sum -c SHA256SUMS`: every line must say `OK`.',
  `Recompute the content digest: \`${CONTENT_DIGEST_COMMAND}\` prints the \`content_sha256\` of \`manifest.json\`. Two exports of the same data have the same content digest, whenever they ran.`,
];

/** `README.md`: what this archive is and what each file holds, readable without any other context. */
export function archiveReadme(manifest: Omit<Manifest, 'documents'>): string {
  const e = manifest.export;
  const out: string[] = [
    `# ${e.platform.name} data export for ${e.account_name}`,
    '',
    `This archive holds the data that ${e.platform.name} keeps about the account ${e.account_name} (id \`${e.tenant}\`), exported for the purpose \`${e.purpose}\` on ${e.generated_at} (export \`${e.id}\`, catalog version \`${e.catalog_version}\`).`,
    '',
    `${e.platform.description}`,
    '',
    'A text editor is enough to read every file here; `data/*.csv` files open in any spreadsheet program.',
    '',
    '## Content digest',
    '',
    `\`content_sha256\`: \`${manifest.content_sha256}\``,
    '',
    'One number for all the data, schemas and attachments of this export, as `manifest.json` records it. Two exports of the same data have the same digest, whenever they ran. Inside the unzipped folder, this command recomputes it:',
    '',
    '```sh',
    CONTENT_DIGEST_COMMAND,
    '```',
    '',
    '## Files',
    '',
    '| path | what it holds |',
    '| --- | --- |',
    '| `manifest.json` | What is in this export and what is not: every category, its row count, its files with their sizes and SHA-256 checksums, the fields left out and why. |',
    '| `SHA256SUMS` | The SHA-256 checksum of every other file, in the format `sha256sum -c` reads. |',
    '| `README.md` | This file. |',
  ];
  if (e.signing_key_id !== null) {
    out.push(
      '| `manifest.sig` | The Ed25519 signature of the exact bytes of `manifest.json` (see below). |',
    );
  }
  if (e.purpose === 'closure') {
    out.push(
      '| `index.html` | The same explanation as a web page that opens offline in any browser, with the first records of every category. |',
      '| `summary.pdf` | A printable summary: the account, every category and its record count, what was left out and why, how to verify. |',
    );
  }
  if (e.formats.includes('bundle')) {
    out.push(
      '| `bundle.json` | The bundle header that `POST /v1/imports` reads: catalog version and, per category, its data file, rows, primary key, fields and references. |',
    );
  }
  for (const category of manifest.categories) {
    if (!category.included) continue;
    for (const file of category.files) {
      out.push(
        `| \`${file.path}\` | ${category.title}${partWording(file, category.files)}: ${file.rows} ${file.rows === 1 ? 'record' : 'records'} as ${file.format.toUpperCase()}. |`,
      );
    }
    if (category.requested) {
      out.push(
        `| \`${category.schema}\` | JSON Schema (2020-12) of one ${category.title} record. |`,
      );
    }
    if (category.attachments !== null && category.attachments.count > 0) {
      const a = category.attachments;
      out.push(
        `| \`attachments/…\` | The ${a.count} files of ${category.title} (${a.bytes} bytes): each record's \`${a.path_field}\` is its path under \`attachments/\`. |`,
      );
    }
  }
  out.push(
    '',
    '## Categories',
    '',
    '| category | in this export | records | notes |',
    '| --- | --- | --- | --- |',
  );
  for (const c of manifest.categories) {
    if (!c.included) {
      out.push(`| ${cell(c.title)} (\`${c.name}\`) | no | — | Not exported: ${cell(c.reason)} |`);
    } else if (!c.requested) {
      out.push(
        `| ${cell(c.title)} (\`${c.name}\`) | no | — | Exportable, but not requested for this export. |`,
      );
    } else {
      const left = c.excluded_fields
        .map((f) => `\`${f.name}\` left out: ${cell(f.reason)}`)
        .join(' ');
      out.push(
        `| ${cell(c.title)} (\`${c.name}\`) | yes | ${c.rows ?? 0} | ${cell(c.description)}${left ? ` ${left}` : ''} |`,
      );
    }
  }
  if (manifest.undeclared.length > 0) {
    out.push(
      '',
      '## Not declared in the catalog',
      '',
      'The platform database holds these tables or columns, which its catalog does not declare; they are not in this export:',
      '',
      ...manifest.undeclared.map(
        (u) => `- \`${u.column === null ? u.table : `${u.table}.${u.column}`}\``,
      ),
    );
  }
  if (manifest.missing_files.length > 0) {
    out.push(
      '',
      '## Files not in this archive',
      '',
      `${manifest.missing_files.length} record(s) name a file this archive does not hold: a path outside the account's own folder of files (never read), or a file that is not there. \`manifest.json\` lists each under \`missing_files\`.`,
    );
  }
  out.push('', '## CSV dialect', '', ...CSV_DIALECT.map((line) => `- ${line}`));
  out.push(
    '',
    '## Verifying this archive',
    '',
    ...VERIFY_STEPS.map((line, i) => `${i + 1}. ${line}`),
    '',
  );
  if (e.signing_key_id !== null) {
    out.push(
      '### Checking the signature',
      '',
      `\`manifest.sig\` is the Ed25519 signature of the exact bytes of \`manifest.json\`, made with the key \`${e.signing_key_id}\`, whose public key is published at \`/v1/signing-keys/${e.signing_key_id}.pem\` and in the JWKS at \`/v1/signing-keys\`. \`portage verify <archive>.zip --key <key>\` checks everything at once.`,
      '',
      ...opensslVerifyMarkdown(),
    );
  }
  return out.join('\n');
}
