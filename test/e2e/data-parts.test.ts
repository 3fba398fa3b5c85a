import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFilePath, type Manifest } from '../../src/archive/index.js';
import { loadCatalogFile } from '../../src/catalog/index.js';
import { DEMO_PLATFORMS } from '../../src/demo/index.js';
import { FORMAT_INFO, type EncodedFormat } from '../../src/formats/index.js';
import { importBundle, SqliteWriter } from '../../src/import/index.js';
import { verifyArchive } from '../../src/verify/index.js';
import { extractArchive, sha256sumCheck, type ExtractedArchive } from '../support/archive.js';
import { loadDemoPlatform, type LoadedPlatform } from '../support/demo-databases.js';
import { exportWithParts, type PartedExport } from '../support/part-export.js';
import { emptyPlatform } from './import-fixtures.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');

/** A part size small enough to split every demo category of more than a few dozen records. */
const PART_BYTES = 16 * 1024;
/** Time for a test that exports, extracts and imports a demo tenant several times. */
const SLOW = 300_000;
const FORMATS: readonly EncodedFormat[] = ['json', 'jsonl', 'csv'];

/** The included categories of a manifest, by name. */
function included(manifest: Manifest) {
  return manifest.categories.flatMap((c) => (c.included && c.requested ? [c] : []));
}

/** The records of one data file, parsed by a reader that is not Portage's: CSV rows after the header, JSON records, JSONL lines. */
function recordsOf(format: EncodedFormat, text: string): { head: unknown; records: unknown[] } {
  if (format === 'csv') {
    const rows: string[][] = parseCsv(text);
    const [head, ...records] = rows;
    return { head, records };
  }
  if (format === 'json') {
    const { metadata, records } = JSON.parse(text) as { metadata: unknown; records: unknown[] };
    return { head: metadata, records };
  }
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return {
    head: null,
    records: text
      .split('\n')
      .slice(0, -1)
      .map((line): unknown => JSON.parse(line)),
  };
}

/** Imports a bundle into a fresh copy of the platform's schema, then exports that whole: its manifest. */
async function roundTrip(
  loaded: LoadedPlatform,
  bundle: PartedExport,
  tenant: string,
): Promise<Manifest> {
  const catalog = loadCatalogFile(loaded.platform.catalogFile);
  const fresh = await emptyPlatform(loaded.platform);
  const target = new SqliteWriter(fresh.db);
  try {
    const result = await importBundle({
      file: bundle.file,
      catalog,
      trusted: true,
      target,
      tenant,
      mode: 'preserve',
      filesDir: fresh.filesDir,
    });
    expect(result.error).toBeNull();
    expect(result.status).toBe('completed');
  } finally {
    await target.close();
  }
  const again = await exportWithParts({
    url: fresh.db,
    filesDir: fresh.filesDir,
    catalog,
    tenant,
    purpose: 'duplication',
    formats: ['bundle'],
  });
  return again.manifest;
}

describe.each(DEMO_PLATFORMS.map((platform) => ({ name: platform.name, platform })))(
  'data files split into parts: $name',
  ({ platform }) => {
    const catalog = loadCatalogFile(platform.catalogFile);
    const tenant = platform.tenants[0]!.id;
    let dir: string;
    let loaded: LoadedPlatform;
    const exportOf = (
      purpose: string,
      formats: readonly string[],
      partBytes?: number,
      categories?: readonly string[],
    ) =>
      exportWithParts({
        dir,
        url: loaded.url,
        filesDir: loaded.filesDir,
        catalog,
        tenant,
        purpose,
        formats,
        ...(partBytes !== undefined && { partBytes }),
        ...(categories !== undefined && { categories }),
      });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portage-parts-test-'));
      loaded = await loadDemoPlatform(platform, 'sqlite', dir);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it(
      `writes each file past ${PART_BYTES} bytes as numbered parts, each a complete file holding the unsplit file's records in order`,
      async () => {
        const whole = await exportOf('closure', [...FORMATS, 'pdf']);
        const parted = await exportOf('closure', [...FORMATS, 'pdf'], PART_BYTES);
        const wholeFiles = await extractArchive(await readFile(whole.file));
        const partFiles: ExtractedArchive = await extractArchive(await readFile(parted.file));
        const sums = await sha256sumCheck(partFiles.dir);
        expect(sums).toMatch(/\.part-00002\.csv: OK/);
        expect((await verifyArchive(parted.file)).ok).toBe(true);

        let split = 0;
        for (const category of included(whole.manifest)) {
          const partedCategory = included(parted.manifest).find((c) => c.name === category.name)!;
          expect(partedCategory.rows).toBe(category.rows);
          for (const format of FORMATS) {
            const [file] = category.files.filter((f) => f.format === format);
            if (file === undefined) continue;
            const parts = partedCategory.files.filter((f) => f.format === format);
            if (parts.length === 1) {
              // Only its last record (or none) brought it to the part size: the
              // file is exactly the one an unsplit export writes.
              expect(parts).toEqual([file]);
              continue;
            }
            split++;
            const ext = FORMAT_INFO[format].extension;
            expect(parts.map((p) => p.path)).toEqual(
              parts.map((_, i) => dataFilePath(category.name, ext, i + 1)),
            );
            expect(parts.length).toBeGreaterThan(1);
            const expected = recordsOf(format, await wholeFiles.read(file.path));
            const records: unknown[] = [];
            for (const [i, part] of parts.entries()) {
              expect(part.rows).toBeGreaterThan(0);
              // A part ends after the record that brings it to the part size (SPEC 12.4):
              // every part but the last reaches it, and passes it by less than a record.
              if (i < parts.length - 1) expect(part.bytes).toBeGreaterThanOrEqual(PART_BYTES);
              const read = recordsOf(format, await partFiles.read(part.path));
              // A record's bytes in any format are under twice its JSON text.
              const lastBytes = 2 * Buffer.byteLength(JSON.stringify(read.records.at(-1))) + 16;
              if (part.rows > 1) expect(part.bytes - lastBytes).toBeLessThan(PART_BYTES);
              expect(read.head, part.path).toEqual(expected.head);
              expect(read.records, part.path).toHaveLength(part.rows);
              records.push(...read.records);
            }
            expect(records, `${category.name} ${format}`).toEqual(expected.records);
            expect(records).toHaveLength(file.rows);
          }
        }
        expect(split).toBeGreaterThan(2);

        // The documents name each part, and which of how many it is.
        const second = included(parted.manifest)
          .flatMap((c) => c.files.map((f) => ({ title: c.title, file: f, of: c.files })))
          .find(({ file }) => file.path.endsWith('.part-00002.csv'))!;
        const of = second.of.filter((f) => f.format === 'csv').length;
        expect(await partFiles.read('README.md')).toContain(
          `| \`${second.file.path}\` | ${second.title}, part 2 of ${of}: `,
        );
        const html = await partFiles.read('index.html');
        expect(html).toContain(`<code>${second.file.path}</code>`);
        expect(html).toContain(`${second.title}, part 2 of ${of}: `);
      },
      SLOW,
    );

    it(
      'imports a parted bundle, part after part, into the same rows as the unsplit bundle',
      async () => {
        const whole = await exportOf('duplication', ['bundle']);
        const parted = await exportOf('duplication', ['bundle'], PART_BYTES);
        const extracted = await extractArchive(await readFile(parted.file));
        await sha256sumCheck(extracted.dir);
        expect((await verifyArchive(parted.file)).ok).toBe(true);
        const header = await extracted.json<{
          categories: { name: string; path?: string; parts?: { path: string; rows: number }[] }[];
        }>('bundle.json');
        expect(header.categories.some((c) => (c.parts?.length ?? 0) > 1)).toBe(true);
        for (const c of header.categories) expect(c.path === undefined).toBe(c.parts !== undefined);
        expect(parted.manifest.content_sha256).not.toBe(whole.manifest.content_sha256);
        const again = await roundTrip(loaded, parted, tenant);
        expect(again.content_sha256).toBe(whole.manifest.content_sha256);
      },
      SLOW,
    );

    it(
      'puts one record in each part when a record is larger than the part size',
      async () => {
        // The smallest categories that hold several records keep this archive to a few dozen files.
        const whole = await exportOf('migration', ['json']);
        const small = included(whole.manifest)
          .filter((c) => (c.rows ?? 0) > 1)
          .sort((a, b) => (a.rows ?? 0) - (b.rows ?? 0))
          .slice(0, 3);
        expect(small).toHaveLength(3);
        const parted = await exportOf(
          'migration',
          FORMATS,
          1,
          small.map((c) => c.name),
        );
        expect((await verifyArchive(parted.file)).ok).toBe(true);
        const extracted = await extractArchive(await readFile(parted.file));
        await sha256sumCheck(extracted.dir);
        for (const category of small) {
          const files = included(parted.manifest).find((c) => c.name === category.name)!.files;
          for (const format of FORMATS) {
            const parts = files.filter((f) => f.format === format);
            if (format === 'csv' && parts.length === 0) continue;
            expect(parts, `${category.name} ${format}`).toHaveLength(category.rows!);
            for (const part of parts) {
              expect(part.rows).toBe(1);
              const read = recordsOf(format, await extracted.read(part.path));
              expect(read.records, part.path).toHaveLength(1);
            }
          }
        }
      },
      SLOW,
    );
  },
);

describe('portage export and PORTAGE_PART_BYTES', () => {
  const [platform] = DEMO_PLATFORMS;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-parts-cli-'));
    const loaded = await loadDemoPlatform(platform!, 'sqlite', dir);
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: loaded.url,
      PORTAGE_CATALOG: platform!.catalogFile,
      PORTAGE_FILES_DIR: loaded.filesDir,
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const exportWith = (partBytes: string, out: string) =>
    run(
      'node',
      [BIN, 'export', '--tenant', platform!.tenants[0]!.id, '--purpose', 'migration', '--out', out],
      { env: { ...env, PORTAGE_PART_BYTES: partBytes } },
    );

  it(
    'splits the files of the archive it writes at the size the variable gives',
    async () => {
      const out = join(dir, 'parted.zip');
      await exportWith(String(PART_BYTES), out);
      const extracted = await extractArchive(await readFile(out));
      expect(await sha256sumCheck(extracted.dir)).toMatch(/\.part-00002\.csv: OK/);
    },
    SLOW,
  );

  it.each(['0', '-1', 'abc'])('refuses PORTAGE_PART_BYTES=%s, naming the variable', async (bad) => {
    const failed = await exportWith(bad, join(dir, `bad-${bad}.zip`)).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toMatch(/PORTAGE_PART_BYTES must be a whole number from 1/);
  });
});
