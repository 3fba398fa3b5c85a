/** Every kind of file an archive can hold, with what it is and when it is there (SPEC §5). */
export const ARCHIVE_LAYOUT: readonly { readonly path: string; readonly description: string }[] = [
  {
    path: 'manifest.json',
    description:
      'What is in this export and what is not: every catalog category (included or not and why, requested or not), row counts, every file with its size and SHA-256, excluded fields and why, undeclared tables or columns, and `content_sha256`.',
  },
  {
    path: 'SHA256SUMS',
    description: 'The SHA-256 of every other file, in the format `sha256sum -c` reads.',
  },
  {
    path: 'README.md',
    description:
      'What this archive is, what each file holds, the CSV dialect and how to verify it — in every archive.',
  },
  {
    path: 'bundle.json',
    description:
      'In `bundle` exports (purpose `duplication`): the header an import reads — bundle version, catalog version, and per category its data file (or its parts, each with its rows), rows, primary key, fields and references.',
  },
  {
    path: 'data/<category>.json',
    description:
      'One JSON document per category: `{"metadata": {...}, "records": [...]}`, records ordered by primary key, fields in catalog order.',
  },
  { path: 'data/<category>.jsonl', description: 'One JSON record per line (JSON Lines).' },
  {
    path: 'data/<category>.csv',
    description: 'RFC 4180 CSV with a header row, for tabular categories (see the CSV dialect).',
  },
  {
    path: 'data/<category>.part-00001.<ext>',
    description:
      'A data file that reaches the part size (`PORTAGE_PART_BYTES`, default 1 GiB) before its last record is split into parts numbered from 00001, in primary-key order, each ending after the record that brings it to that size: each part is a complete file of its format (a CSV part starts with the header row, a JSON part is a whole document), listed in the manifest and `SHA256SUMS` like any file.',
  },
  {
    path: 'schemas/<category>.schema.json',
    description: 'JSON Schema (2020-12) of one record of the category.',
  },
  {
    path: 'attachments/<path>',
    description:
      "The files a category's records reference (such as uploaded attachments), at the path its records' path field gives.",
  },
];

/**
 * Archive path of a category's data file: `data/<category>.<ext>`, or for
 * part `part` (1 for the first) of a split file `data/<category>.part-00001.<ext>`.
 */
export function dataFilePath(category: string, extension: string, part: number | null): string {
  return part === null
    ? `data/${category}.${extension}`
    : `data/${category}.part-${String(part).padStart(5, '0')}.${extension}`;
}

/** The part number of a data file's path (1 for `….part-00001.<ext>`), or null for an unsplit file. */
export function dataFilePart(path: string): number | null {
  const match = /\.part-(\d{5,})\.[^./]+$/.exec(path);
  return match === null ? null : Number(match[1]);
}

/**
 * How documents name a data file among its category's `files`: `, part 2 of 3`
 * for a part of a split file, the empty string for an unsplit one.
 */
export function partWording(
  file: { readonly path: string; readonly format: string },
  files: readonly { readonly format: string }[],
): string {
  const part = dataFilePart(file.path);
  if (part === null) return '';
  return `, part ${part} of ${files.filter((f) => f.format === file.format).length}`;
}
