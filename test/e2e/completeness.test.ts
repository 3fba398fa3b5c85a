import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { loadCatalogFile, type Catalog, type IncludedCategory } from '../../src/catalog/index.js';
import { loadSettings } from '../../src/config/index.js';
import { DEMO_CATALOG_FILE, DEMO_PLATFORMS, type DemoPlatform } from '../../src/demo/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { openSource, tenantScope } from '../../src/sources/index.js';
import { runCheck } from '../../src/cli/check-command.js';
import { extractArchive, sha256sumCheck, type ExtractedArchive } from '../support/archive.js';
import { driftCases, expectedUndeclared, UNDECLARED_TABLE } from '../support/drift-cases.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { demoDatabase, demoFiles, startServer } from '../support/portage-server.js';

const run = promisify(execFile);

/** Exports a tenant of `platform` at `sourceFile` straight to an extracted archive. */
async function exportTenant(
  platform: DemoPlatform,
  sourceFile: string,
  tenant: string,
): Promise<ExtractedArchive> {
  const catalog = loadCatalogFile(platform.catalogFile);
  const included = catalog.categories.filter((c): c is IncludedCategory => c.included);
  const dir = await mkdtemp(join(tmpdir(), 'portage-complete-'));
  const file = join(dir, 'export.zip');
  const source = openSource(sourceFile);
  try {
    await produceArchive(
      {
        exportId: 'exp_completeness',
        tenant,
        purpose: 'migration',
        formats: ['json', 'jsonl', 'csv'],
        categories: included.map((c) => c.name),
        csv: { bom: false, formulaProtection: false },
        generatedAt: new Date(),
      },
      { catalog, source, settings: { filesDir: demoFiles() } },
      createWriteStream(file),
      { onProgress: () => undefined, signal: new AbortController().signal },
    );
  } finally {
    await source.close();
  }
  return extractArchive(await readFile(file));
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Columns of an excluded table that hold a credential or the platform's internal state. */
const CREDENTIAL_COLUMN = /hash|token|secret|digest|password|cursor/;

/**
 * Every value of an excluded field, and of each credential column of a table
 * whose whole category is excluded, long enough not to occur by chance in
 * other data.
 */
function excludedValues(db: Database.Database, catalog: Catalog): string[] {
  const values: string[] = [];
  const textOf = (sql: string) =>
    (db.prepare(sql).raw().all() as unknown[][])
      .flat()
      .filter((v): v is string => typeof v === 'string' && v.length >= 12);
  for (const category of catalog.categories) {
    if (category.included) {
      for (const field of category.excludedFields) {
        values.push(...textOf(`SELECT ${field.name} FROM ${category.source.table}`));
      }
    } else {
      for (const table of category.tables) {
        const secret = (db.pragma(`table_info(${table})`) as { name: string }[])
          .map((c) => c.name)
          .filter((name) => CREDENTIAL_COLUMN.test(name));
        for (const column of secret) values.push(...textOf(`SELECT ${column} FROM ${table}`));
      }
    }
  }
  return values;
}

for (const platform of DEMO_PLATFORMS) {
  const catalog = loadCatalogFile(platform.catalogFile);
  const included = catalog.categories.filter((c): c is IncludedCategory => c.included);

  describe(`every tenant of ${platform.title}, completely`, () => {
    const archives = new Map<string, ExtractedArchive>();
    let db: Database.Database;
    beforeAll(async () => {
      db = new Database(demoDatabase(platform), { readonly: true });
      for (const tenant of platform.tenants) {
        archives.set(tenant.id, await exportTenant(platform, demoDatabase(platform), tenant.id));
      }
    });
    afterAll(() => db?.close());

    it('lists every catalog category in every manifest, with rows equal to count(*) in the platform', async () => {
      for (const [tenant, archive] of archives) {
        const manifest = await archive.json<Manifest>('manifest.json');
        expect(manifest.categories.map((c) => c.name)).toEqual(
          catalog.categories.map((c) => c.name),
        );
        expect(manifest.undeclared).toEqual([]);
        for (const category of included) {
          const entry = manifest.categories.find((c) => c.name === category.name);
          const count = db
            .prepare(`SELECT count(*) FROM ${tenantScope(category.source)}`)
            .pluck()
            .get({ tenant });
          expect(entry && 'rows' in entry ? entry.rows : -1, `${tenant} ${category.name}`).toBe(
            count,
          );
          if (tenant !== platform.emptyTenant) expect(count, category.name).toBeGreaterThan(0);
        }
        await sha256sumCheck(archive.dir);
      }
    });

    it('writes records that validate against their JSON Schema 2020-12', async () => {
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      addFormats.default(ajv);
      for (const [tenant, archive] of archives) {
        for (const category of included) {
          const validate = ajv.compile(await archive.json(`schemas/${category.name}.schema.json`));
          const doc = await archive.json<{ records: unknown[] }>(`data/${category.name}.json`);
          const lines = (await archive.read(`data/${category.name}.jsonl`))
            .split('\n')
            .filter(Boolean);
          expect(lines.length).toBe(doc.records.length);
          for (const record of [...doc.records, ...lines.map((l) => JSON.parse(l) as unknown)]) {
            if (!validate(record)) {
              throw new Error(
                `${tenant} ${category.name}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(record).slice(0, 300)}`,
              );
            }
          }
          ajv.removeSchema();
        }
      }
    });

    it('never writes an excluded field’s or category’s value anywhere in an archive', async () => {
      const secrets = excludedValues(db, catalog);
      expect(secrets.length).toBeGreaterThan(5);
      const names = included.flatMap((c) => c.excludedFields.map((f) => f.name));
      for (const archive of archives.values()) {
        for (const file of await allFiles(archive.dir)) {
          const text = await readFile(file, 'latin1');
          for (const secret of secrets) {
            expect(
              text.includes(secret),
              `${relative(archive.dir, file)} holds an excluded value`,
            ).toBe(false);
          }
          if (relative(archive.dir, file).startsWith('data/')) {
            for (const name of names) expect(text).not.toContain(name);
          }
        }
      }
    });
  });
}

describe('Acme Tasks attachments', () => {
  const archives = new Map<string, ExtractedArchive>();
  beforeAll(async () => {
    archives.set('acme', await exportTenant(DEMO_PLATFORMS[0]!, demoDatabase(), 'acme'));
  });

  it('carries each attachment file itself, checksummed, at the path its record gives', async () => {
    const archive = archives.get('acme')!;
    const manifest = await archive.json<Manifest>('manifest.json');
    const entry = manifest.categories.find((c) => c.name === 'attachments');
    expect(entry && 'attachments' in entry ? entry.attachments?.count : 0).toBeGreaterThan(0);
    const sums = await archive.read('SHA256SUMS');
    const records = (
      await archive.json<{ records: { storage_key: string; sha256: string; byte_size: number }[] }>(
        'data/attachments.json',
      )
    ).records;
    for (const record of records) {
      const bytes = await readFile(join(archive.dir, 'attachments', record.storage_key));
      expect(bytes.length).toBe(record.byte_size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.sha256);
      expect(sums).toContain(`${record.sha256}  attachments/${record.storage_key}\n`);
    }
  });
});

for (const platform of DEMO_PLATFORMS) {
  const catalog = loadCatalogFile(platform.catalogFile);
  const cases = driftCases(catalog);

  describe(`${platform.title} drifting from its catalog`, () => {
    let dir: string;
    let drifted: string;
    const env = () => ({
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: drifted,
      PORTAGE_CATALOG: platform.catalogFile,
    });
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portage-drift-'));
      drifted = join(dir, 'platform.sqlite');
      await copyFile(demoDatabase(platform), drifted);
      const db = new Database(drifted);
      db.exec(
        `CREATE TABLE ${UNDECLARED_TABLE} (id INTEGER PRIMARY KEY, tenant_id TEXT, flag TEXT)`,
      );
      for (const c of cases) db.exec(`ALTER TABLE ${c.table} ADD COLUMN ${c.column} TEXT`);
      db.close();
    });
    afterAll(async () => rm(dir, { recursive: true, force: true }));

    it('adds a column to each kind of table', () => {
      expect(cases.map((c) => c.kind)).toEqual(
        expect.arrayContaining([
          'table source',
          'reached through references',
          'only joined to reach the tenant',
        ]),
      );
    });

    it('makes portage check fail, naming the new table and each new column', async () => {
      const result = await runCheck(loadSettings(env(), dir));
      expect(result.ok).toBe(false);
      expect(result.undeclared).toEqual(expectedUndeclared(cases));
      const bin = join(import.meta.dirname, '../../bin/portage.js');
      const failed = await run('node', [bin, 'check'], { env: { ...process.env, ...env() } }).catch(
        (error: { code: number; stdout: string }) => error,
      );
      expect((failed as { code: number }).code).toBe(1);
      const stdout = (failed as { stdout: string }).stdout;
      expect(stdout).toMatch(new RegExp(`undeclared table "${UNDECLARED_TABLE}"`));
      for (const c of cases) expect(stdout).toContain(`undeclared column "${c.table}.${c.column}"`);
    });

    it('passes portage check on the shipped demo', async () => {
      const settings = loadSettings({ ...env(), PORTAGE_SOURCE_URL: demoDatabase(platform) }, dir);
      expect(await runCheck(settings)).toMatchObject({ ok: true, undeclared: [], missing: [] });
    });

    it('lists what is undeclared in the next export’s manifest and README', async () => {
      const tenant = platform.tenants[1]!.id;
      const archive = await exportTenant(platform, drifted, tenant);
      const manifest = await archive.json<Manifest>('manifest.json');
      expect(manifest.undeclared).toEqual(expectedUndeclared(cases));
      expect(await archive.read('README.md')).toContain(`\`${cases[0]!.table}.secret_note\``);
    });
  });
}

describe('an export whose category cannot be read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-unreadable-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('fails an export whose category cannot be read, naming the category', async () => {
    const broken = join(dir, 'broken.yaml');
    const text = await readFile(DEMO_CATALOG_FILE, 'utf8');
    await writeFile(
      broken,
      text.replace(
        '{ column: task_id, table: tasks, key: id }',
        '{ column: task_id, table: tasks, key: idz }',
      ),
    );
    expect(text).not.toBe(await readFile(broken, 'utf8'));
    const server = await startServer({ PORTAGE_CATALOG: broken });
    try {
      const created = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      const done = await waitForExport(server.baseUrl, server.keys.acme!, created.data!.id);
      expect(done).toMatchObject({ status: 'failed', error: { code: 'source_read_failed' } });
      expect((done.error as { message: string }).message).toMatch(/category "task_labels"/);
      const record = await server.runtime.store.exports.getById(created.data!.id);
      expect(record?.storageKey).toBeNull();
    } finally {
      await server.close();
    }
  });
});
