import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { inject } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { Manifest } from '../../src/archive/index.js';
import { contentSha256 } from '../../src/archive/index.js';
import { loadCatalogFile, type Catalog } from '../../src/catalog/index.js';
import {
  createTableSql,
  DEFAULT_DEMO_PLATFORM,
  DEMO_CATALOG_FILE,
  DEMO_TABLES,
  type DemoPlatform,
  type DemoTable,
} from '../../src/demo/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { SqliteSource } from '../../src/sources/index.js';

/** A platform an import can write into: its SQLite file and its files directory. */
export interface TestPlatform {
  readonly db: string;
  readonly filesDir: string;
}

/** The demo catalog, loaded once. */
export const catalog: Catalog = loadCatalogFile(DEMO_CATALOG_FILE);

/** Names of every included category. */
export const includedCategories = catalog.categories.filter((c) => c.included).map((c) => c.name);

/** Names of the included categories an untrusted bundle may write (none platform-owned). */
export const writableCategories = catalog.categories
  .filter((c) => c.included && !c.platformOwned)
  .map((c) => c.name);

/** A writable copy of a demo platform generated for this run (Default: Acme Tasks). */
export async function demoCopy(demo: DemoPlatform = DEFAULT_DEMO_PLATFORM): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-import-demo-'));
  const source = inject('demoDir');
  await cp(join(source, demo.sqliteFile), join(dir, 'platform.sqlite'));
  await cp(join(source, 'demo-files'), join(dir, 'files'), { recursive: true });
  return { db: join(dir, 'platform.sqlite'), filesDir: join(dir, 'files') };
}

/** A fresh platform: a demo platform's schema (Default: Acme Tasks), no row, an empty files directory. */
export async function emptyPlatform(
  demo: DemoPlatform = DEFAULT_DEMO_PLATFORM,
): Promise<TestPlatform> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-import-empty-'));
  const db = new Database(join(dir, 'platform.sqlite'));
  for (const table of demo.schema.tables) db.exec(createTableSql(table));
  db.close();
  await mkdir(join(dir, 'files'));
  return { db: join(dir, 'platform.sqlite'), filesDir: join(dir, 'files') };
}

/** Exports `tenant` of `platform` as a bundle (every included category of `from`, Default: Acme Tasks') into a new zip file. */
export async function exportBundle(
  platform: TestPlatform,
  tenant: string,
  purpose = 'duplication',
  formats: readonly string[] = ['bundle'],
  from: Catalog = catalog,
  categories: readonly string[] = from.categories.filter((c) => c.included).map((c) => c.name),
): Promise<{ file: string; manifest: Manifest }> {
  const dir = await mkdtemp(join(tmpdir(), 'portage-import-zip-'));
  const file = join(dir, `${tenant}.zip`);
  const source = new SqliteSource(platform.db);
  const output = createWriteStream(file);
  try {
    const result = await produceArchive(
      {
        exportId: 'exp_import_test',
        tenant,
        purpose,
        formats,
        categories: [...categories],
        csv: { bom: false, formulaProtection: false },
        generatedAt: new Date('2025-01-01T00:00:00.000Z'),
      },
      { catalog: from, source, settings: { filesDir: platform.filesDir } },
      output,
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
    await finished(output);
    return { file, manifest: result.manifest };
  } finally {
    await source.close();
  }
}

/** sha256 of every row of every table (Default: Acme Tasks'), in a fixed order: equal digests mean equal databases. */
export function databaseDigest(file: string, tables: readonly DemoTable[] = DEMO_TABLES): string {
  const db = new Database(file, { readonly: true });
  try {
    const hash = createHash('sha256');
    for (const table of tables) {
      const rows = db
        .prepare(`SELECT * FROM ${table.name} ORDER BY ${table.primaryKey.join(', ')}`)
        .raw(true)
        .safeIntegers(true)
        .all();
      hash.update(`${table.name}\n`);
      for (const row of rows)
        hash.update(
          JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) + '\n',
        );
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

/** Reads every entry of a (small) zip into memory, in archive order. */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const entries = new Map<string, Buffer>();
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        zip.once('entry', resolve);
        zip.once('end', () => resolve(null));
        zip.once('error', reject);
        zip.readEntry();
      });
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      if (entry === null) return entries;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry))
        chunks.push(chunk as Buffer);
      entries.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
}

/** Writes `entries` as a zip with yazl directly (no path checks, so hostile names go through). */
export async function writeZip(file: string, entries: ReadonlyMap<string, Buffer>): Promise<void> {
  const zip = new yazl.ZipFile();
  const output = createWriteStream(file);
  zip.outputStream.pipe(output);
  for (const [path, bytes] of entries) zip.addBuffer(bytes, path, { compress: true });
  zip.end();
  await finished(output);
}

/**
 * Copies a bundle with some entries changed (`edit` returns new bytes, or null
 * to drop the entry); with `reseal`, SHA256SUMS and the manifest's
 * content_sha256 are recomputed so the checksums pass.
 */
export async function editBundle(
  file: string,
  edit: (path: string, bytes: Buffer) => Buffer | null,
  reseal: boolean,
): Promise<string> {
  const entries = await readZip(file);
  const edited = new Map<string, Buffer>();
  for (const [path, bytes] of entries) {
    const next = edit(path, bytes);
    if (next !== null) edited.set(path, next);
  }
  if (reseal) {
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const content = [...edited]
      .filter(([path]) => path !== 'SHA256SUMS' && path !== 'manifest.json')
      .map(([path, bytes]) => ({ path, sha256: sha(bytes) }));
    const manifest = JSON.parse(edited.get('manifest.json')!.toString('utf8')) as Record<
      string,
      unknown
    >;
    manifest.content_sha256 = contentSha256(content);
    edited.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
    const sums = [...content, { path: 'manifest.json', sha256: sha(edited.get('manifest.json')!) }]
      .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
      .map((e) => `${e.sha256}  ${e.path}\n`)
      .join('');
    edited.set('SHA256SUMS', Buffer.from(sums));
  }
  const out = join(await mkdtemp(join(tmpdir(), 'portage-import-edit-')), 'edited.zip');
  await writeZip(out, edited);
  return out;
}
