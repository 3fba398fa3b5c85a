import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkDrift, checkFieldTypes, loadCatalogFile, type Catalog } from '../catalog/index.js';
import { produceArchive } from '../jobs/produce-archive.js';
import { loadKeyring, type Keyring } from '../signing/index.js';
import { MysqlSource, SqliteSource, type SourceDatabase } from '../sources/index.js';
import { createMysqlTestDatabase } from '../../test/support/mysql.js';
import { dropIfPassed, watchFailures, type TestDatabase } from '../../test/support/postgres.js';
import { generateDemoPlatformInMysql } from './mysql-demo.js';
import { DEMO_PLATFORMS } from './registry.js';

/** Per platform: its own MySQL database, and the same data in SQLite (PostgreSQL ≡ SQLite is proved beside). */
const platforms = new Map<
  string,
  { database: TestDatabase; sources: { source: SourceDatabase; filesDir: string }[] }
>();
let filesDir: string;
let keyring: Keyring;
const passed = watchFailures();

beforeAll(async () => {
  filesDir = mkdtempSync(join(tmpdir(), 'portage-mysql-files-'));
  // One key signs every export, so that manifests may be compared byte for byte.
  keyring = await loadKeyring({ signingKeyFile: null, signingKeysDir: join(filesDir, 'keys') });
  const demoDir = inject('demoDir');
  for (const platform of DEMO_PLATFORMS) {
    const database = await createMysqlTestDatabase();
    await generateDemoPlatformInMysql({ platform, database: database.url, filesDir });
    platforms.set(platform.name, {
      database,
      sources: [
        {
          source: new SqliteSource(join(demoDir, platform.sqliteFile)),
          filesDir: join(demoDir, 'demo-files'),
        },
        { source: new MysqlSource(database.url), filesDir },
      ],
    });
  }
}, 300_000);

afterAll(async () => {
  for (const { database, sources } of platforms.values()) {
    for (const { source } of sources) await source.close();
    await dropIfPassed(database, passed());
  }
  rmSync(filesDir, { recursive: true, force: true });
});

function exportOf(
  catalog: Catalog,
  { source, filesDir: files }: { source: SourceDatabase; filesDir: string },
  tenant: string,
  purpose: string,
  formats: string[],
) {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return produceArchive(
    {
      exportId: 'exp_same_bytes',
      tenant,
      purpose,
      formats,
      categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
      csv: { bom: false, formulaProtection: false },
      generatedAt: new Date('2025-07-01T00:00:00.000Z'),
    },
    { catalog, source, settings: { filesDir: files }, keyring },
    discard,
    { onProgress: () => undefined, signal: new AbortController().signal },
  );
}

const PURPOSES = [
  ['migration', ['json', 'jsonl', 'csv']],
  ['audit', ['json', 'jsonl']],
] as const;

for (const platform of DEMO_PLATFORMS) {
  const catalog = loadCatalogFile(platform.catalogFile);

  describe(`${platform.title} loaded into MySQL`, () => {
    it('passes the drift check: every table and column accounted for', async () => {
      const mysql = platforms.get(platform.name)!.sources[1]!.source;
      expect(checkDrift(catalog, await mysql.introspect())).toEqual({
        undeclared: [],
        missing: [],
      });
    });

    it('declares field types that carry what each MySQL column holds', async () => {
      const schema = await platforms.get(platform.name)!.sources[1]!.source.describeSchema();
      const columns = schema.tables.flatMap((t) =>
        t.columns.map((c) => ({ table: t.name, column: c.name, type: c.type })),
      );
      expect(checkFieldTypes(catalog, columns, schema.dialect)).toEqual([]);
    });

    for (const tenant of platform.tenants.map((t) => t.id)) {
      for (const [purpose, formats] of PURPOSES) {
        it(`gives ${tenant}'s ${purpose} export the same content_sha256 as SQLite (and so PostgreSQL)`, async () => {
          const [fromSqlite, fromMysql] = await Promise.all(
            platforms
              .get(platform.name)!
              .sources.map((s) => exportOf(catalog, s, tenant, purpose, [...formats])),
          );
          expect(fromMysql!.manifest.content_sha256).toBe(fromSqlite!.manifest.content_sha256);
          expect(fromMysql!.manifest).toEqual(fromSqlite!.manifest);
        });
      }
    }
  });
}
