import type { Writable } from 'node:stream';
import type { Catalog, IncludedCategory, UndeclaredItem } from '../catalog/index.js';
import {
  categoryJsonSchema,
  ENCODED_FORMATS,
  schemaPath,
  stringifyJson,
  type CsvOptions,
  type EncodedFormat,
  type Row,
} from '../formats/index.js';
import { PortageError } from '../errors/index.js';
import { readTenantAccount, type SourceSnapshot } from '../sources/index.js';
import { archiveReadme } from './archive-readme.js';
import { renderIndexHtml } from '../documents/index-html.js';
import { RecordSampler } from '../documents/record-sampler.js';
import { writeAttachments, type MissingFile } from './attachment-writer.js';
import { BUNDLE_HEADER, bundleHeader } from './bundle-header.js';
import { writeCategoryData, type Totals } from './category-writer.js';
import { contentSha256, sha256sumsText } from './checksums.js';
import type { PieceSet } from './piece-format.js';
import { buildManifest, type Manifest, type WrittenCategory } from './manifest.js';
import { ZipWriter } from './zip-writer.js';

/** Running totals reported while an archive is written. */
export interface BuildProgress {
  readonly categoriesTotal: number;
  readonly categoriesDone: number;
  readonly rowsWritten: number;
  readonly bytesWritten: number;
}

/** What one archive is built from. */
export interface BuildInput {
  readonly catalog: Catalog;
  readonly snapshot: SourceSnapshot;
  readonly exportId: string;
  readonly tenant: string;
  readonly purpose: string;
  /** The formats asked for, as the manifest records them; `pdf` is a document, the others data formats. */
  readonly formats: readonly string[];
  /** Categories the request asked for; the manifest lists the others as not requested. */
  readonly categories: readonly string[];
  readonly csv: CsvOptions;
  readonly generatedAt: Date;
  readonly undeclared: readonly UndeclaredItem[];
  /** Signs `manifest.json` into `manifest.sig` (audit and duplication exports); null leaves the archive unsigned. */
  readonly signer: { readonly kid: string; sign(bytes: Uint8Array): Buffer } | null;
  /** The platform's files directory, where attachment paths are resolved. */
  readonly filesDir: string;
  /** Largest data file before a category is split into parts. (Default: 1 GiB) */
  readonly partBytes?: number;
  /**
   * Pieces of a split export, written by other workers from this same
   * snapshot: the files that have pieces are assembled from them. (Default:
   * none; every file is read from the snapshot)
   */
  readonly pieces?: PieceSet;
  /** Rows already read into the pieces, counted in the progress from the start. (Default: 0) */
  readonly rowsRead?: number;
  /** Called after every batch of rows; must be cheap (throttle inside). */
  readonly onProgress: (progress: BuildProgress) => void;
  /** Aborts the build between batches (lost lease, cancel, shutdown). */
  readonly signal: AbortSignal;
}

/** The result of a build: the archive's size and digest, and its manifest. */
export interface BuildResult {
  readonly bytes: number;
  readonly sha256: string;
  readonly manifest: Manifest;
  readonly progress: BuildProgress;
}

/**
 * Writes one export archive to `output`: every requested category streamed
 * from the snapshot through each format's encoder into the zip, then its
 * schemas, README, manifest and checksums. No category is held in memory.
 */
export async function buildArchive(input: BuildInput, output: Writable): Promise<BuildResult> {
  const zip = new ZipWriter(output, { mtime: input.generatedAt });
  try {
    return await writeArchive(zip, input);
  } catch (error) {
    zip.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

async function writeArchive(zip: ZipWriter, input: BuildInput): Promise<BuildResult> {
  const account = await readTenantAccount(input.snapshot, input.catalog, input.tenant);
  if (account === null) {
    throw new PortageError(
      'tenant_not_found',
      `The platform holds no account "${input.tenant}": category "${input.catalog.account.name}" has no row for it.`,
    );
  }
  const requested = new Set(input.categories);
  const toWrite = input.catalog.categories.filter(
    (c): c is IncludedCategory => c.included && requested.has(c.name),
  );
  const totals: Totals = {
    categoriesTotal: toWrite.length,
    categoriesDone: 0,
    rowsWritten: input.rowsRead ?? 0,
    bytesWritten: 0,
  };
  const onProgress = () => input.onProgress({ ...totals });
  const dataFormats = input.formats.filter((f): f is EncodedFormat =>
    (ENCODED_FORMATS as readonly string[]).includes(f),
  );
  const sampler = input.purpose === 'closure' ? new RecordSampler() : null;
  const entries: { path: string; sha256: string; bytes?: number }[] = [];
  const written = new Map<string, WrittenCategory>();
  const missingFiles: MissingFile[] = [];

  for (const category of toWrite) {
    const data = await writeCategoryData(zip, {
      snapshot: input.snapshot,
      category,
      tenant: input.tenant,
      catalogVersion: input.catalog.version,
      formats: dataFormats,
      csv: input.csv,
      canonical: input.purpose === 'audit',
      ...(input.partBytes !== undefined && { partBytes: input.partBytes }),
      signal: input.signal,
      totals,
      onProgress,
      ...(sampler && { sample: (row: Row) => sampler.add(category.name, row) }),
      ...(input.pieces !== undefined && { pieces: input.pieces }),
    });
    entries.push(...data.files);
    const schema = Buffer.from(
      stringifyJson(categoryJsonSchema(category, input.catalog.version)) + '\n',
    );
    entries.push(await zip.addBuffer(schemaPath(category.name), schema));
    const files = await writeAttachments(
      zip,
      input.snapshot,
      category,
      input.tenant,
      input.filesDir,
      input.signal,
      (bytes) => {
        totals.bytesWritten += bytes;
        onProgress();
      },
    );
    entries.push(...files.entries);
    missingFiles.push(...files.missing);
    written.set(category.name, {
      rows: data.rows,
      files: data.files,
      attachments: category.files ? { count: files.count, bytes: files.bytes } : null,
    });
    totals.categoriesDone++;
    onProgress();
  }

  const digest = contentSha256(entries);
  const base = {
    catalog: input.catalog,
    exportId: input.exportId,
    tenant: input.tenant,
    accountName: account.displayName,
    purpose: input.purpose,
    formats: input.formats,
    generatedAt: input.generatedAt.toISOString(),
    requested,
    csv: input.formats.includes('csv') ? input.csv : null,
    written,
    undeclared: input.undeclared,
    missingFiles,
    contentSha256: digest,
    signingKeyId: input.signer?.kid ?? null,
  };
  const documents = [];
  if (input.formats.includes('bundle')) {
    const header = bundleHeader({ ...base, written });
    documents.push(
      await zip.addBuffer(BUNDLE_HEADER, Buffer.from(JSON.stringify(header, null, 2) + '\n')),
    );
  }
  const overview = buildManifest({ ...base, documents: [] });
  documents.push(await zip.addBuffer('README.md', Buffer.from(archiveReadme(overview))));
  if (sampler !== null) {
    // The PDF renderer (pdfkit and its fonts) loads only for exports that carry a summary.
    const { renderSummaryPdf } = await import('../documents/summary-pdf.js');
    documents.push(
      await zip.addBuffer('summary.pdf', await renderSummaryPdf({ manifest: overview })),
    );
    // index.html comes last of the documents, so that its file list shows every earlier file's checksum.
    const html = renderIndexHtml({
      manifest: overview,
      catalog: input.catalog,
      samples: sampler.samples(),
      written: new Map(
        [...entries, ...documents].flatMap(({ path, sha256, bytes }) =>
          bytes === undefined ? [] : [[path, { bytes, sha256 }] as const],
        ),
      ),
    });
    documents.push(await zip.addBuffer('index.html', Buffer.from(html)));
  }
  entries.push(...documents);
  const manifest = buildManifest({ ...base, documents });
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  entries.push(await zip.addBuffer('manifest.json', manifestBytes));
  if (input.signer !== null) {
    // The signature covers the exact bytes of manifest.json; SHA256SUMS does not list it.
    await zip.addBuffer('manifest.sig', input.signer.sign(manifestBytes));
  }
  await zip.addBuffer('SHA256SUMS', Buffer.from(sha256sumsText(entries)));
  const archive = await zip.finish();
  return { ...archive, manifest, progress: totals };
}
