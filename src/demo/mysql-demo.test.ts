import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkDrift, checkFieldTypes, loadCatalogFile } from '../catalog/index.js';
import { loadKeyring, type Keyring } from '../signing/index.js';
import { MysqlSource, SqliteSource, type SourceDatabase } from '../sources/index.js';
import { createMysqlTestDatabase } from '../../test/support/mysql.js';
import { dropIfPassed, watchFailures, type TestDatabase } from '../../test/support/postgres.js';
import { generateDemoPlatformInMysql } from './mysql-demo.js';
import { DEMO_PLATFORMS } from './registry.js';
import { digestExport } from '../../test/support/digest-export.js';

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
              .sources.map((s) => digestExport(catalog, keyring, s, tenant, purpose, [...formats])),
          );
          expect(fromMysql!.manifest.content_sha256).toBe(fromSqlite!.manifest.content_sha256);
          expect(fromMysql!.manifest).toEqual(fromSqlite!.manifest);
        });
      }
    }
  });
}
