import { partWording } from '../archive/archive-layout.js';
import type { ManifestOverview } from './document-input.js';
import { countRecords } from './document-wording.js';

/** One file (or folder of files) of the archive, as the documents list it. */
export interface ArchiveFileEntry {
  readonly path: string;
  /** What it holds, in plain words; backquoted spans are names and commands. */
  readonly description: string;
  /** Whether the path is one file a link can open (false for a folder). */
  readonly linkable: boolean;
  readonly bytes: number | null;
  readonly sha256: string | null;
}

/** Every file of the archive described by `manifest`, root documents first, then per category. */
export function archiveFiles(manifest: ManifestOverview): ArchiveFileEntry[] {
  const e = manifest.export;
  const root = (path: string, description: string): ArchiveFileEntry => ({
    path,
    description,
    linkable: true,
    bytes: null,
    sha256: null,
  });
  const files: ArchiveFileEntry[] = [
    root('index.html', 'This page: the whole archive explained, readable in any web browser.'),
    root(
      'README.md',
      'The same explanation as plain text (Markdown), for a text editor: files, categories, the CSV dialect and how to verify.',
    ),
  ];
  if (e.formats.includes('pdf') || e.purpose === 'closure') {
    files.push(
      root(
        'summary.pdf',
        'A printable summary: the account, every category and its record count, and how to verify.',
      ),
    );
  }
  files.push(
    root(
      'manifest.json',
      'What is in this export and what is not: every category, its row count, its files with their sizes and SHA-256 checksums, the fields left out and why.',
    ),
    root(
      'SHA256SUMS',
      'The SHA-256 checksum of every other file, in the format `sha256sum -c` reads.',
    ),
  );
  if (e.purpose === 'audit') {
    files.push(
      root('manifest.sig', 'The Ed25519 signature over the exact bytes of `manifest.json`.'),
    );
  }
  for (const c of manifest.categories) {
    if (!c.included || !c.requested) continue;
    for (const f of c.files) {
      files.push({
        path: f.path,
        description: `${c.title}${partWording(f, c.files)}: ${countRecords(f.rows)} as ${f.format.toUpperCase()}.`,
        linkable: true,
        bytes: f.bytes,
        sha256: f.sha256,
      });
    }
    files.push({
      ...root(c.schema, `JSON Schema (2020-12) of one ${c.title} record.`),
    });
    if (c.attachments !== null && c.attachments.count > 0) {
      const a = c.attachments;
      files.push({
        path: a.directory,
        description: `The ${a.count} ${a.count === 1 ? 'file' : 'files'} of ${c.title}: each record's \`${a.path_field}\` is its path under \`${a.directory}\`.`,
        linkable: false,
        bytes: a.bytes,
        sha256: null,
      });
    }
  }
  return files;
}
