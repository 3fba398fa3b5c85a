import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/archive/index.js';
import { loadCatalogFile, type Catalog, type IncludedCategory } from '../../src/catalog/index.js';
import {
  DEMO_CATALOG_FILE,
  generateDemoPlatformInMysql,
  generateDemoPlatformInPostgres,
} from '../../src/demo/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { openSource } from '../../src/sources/index.js';
import { extractArchive } from '../support/archive.js';
import { createMysqlTestDatabase } from '../support/mysql.js';
import {
  createTestDatabase,
  dropIfPassed,
  watchFailures,
  type TestDatabase,
} from '../support/postgres.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');
type Failed = { code: number; stdout: string; stderr: string };

const shipped = loadCatalogFile(DEMO_CATALOG_FILE);
const passed = watchFailures();
let dir: string;
let postgres: TestDatabase | undefined;
let mysql: TestDatabase | undefined;
const platforms: { dialect: string; url: string; filesDir: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-init-'));
  const demoDir = inject('demoDir');
  platforms.push({
    dialect: 'sqlite',
    url: join(demoDir, 'demo-platform.sqlite'),
    filesDir: join(demoDir, 'demo-files'),
  });
  postgres = await createTestDatabase();
  const filesDir = join(dir, 'pg-files');
  await generateDemoPlatformInPostgres({ database: postgres.url, filesDir });
  platforms.push({ dialect: 'postgres', url: postgres.url, filesDir });
  mysql = await createMysqlTestDatabase();
  await generateDemoPlatformInMysql({ database: mysql.url, filesDir: join(dir, 'mysql-files') });
  platforms.push({ dialect: 'mysql', url: mysql.url, filesDir: join(dir, 'mysql-files') });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await dropIfPassed(postgres, passed());
  await dropIfPassed(mysql, passed());
});

/** Rows of `tenant` in each table, as a catalog's categories select them. */
async function rowsByTable(
  url: string,
  catalog: Catalog,
  tenant: string,
): Promise<Map<string, number>> {
  const source = openSource(url);
  try {
    return await source.withSnapshot(async (snapshot) => {
      const out = new Map<string, number>();
      for (const c of catalog.categories) {
        if (!c.included) continue;
        out.set(c.source.table, await snapshot.count({ source: c.source, tenant }));
      }
      return out;
    });
  } finally {
    await source.close();
  }
}

describe.each(['sqlite', 'postgres', 'mysql'])('portage catalog init on %s', (dialect) => {
  const platform = () => platforms.find((p) => p.dialect === dialect)!;
  let draftFile: string;

  it('drafts every table, each column typed, credentials excluded, and the tenant path of each table', async () => {
    draftFile = join(dir, `${dialect}-draft.yaml`);
    const { stderr } = await run(
      'node',
      [
        BIN,
        'catalog',
        'init',
        '--source',
        platform().url,
        '--tenant-table',
        'accounts',
        '--out',
        draftFile,
      ],
      { env: process.env },
    );
    expect(stderr).toMatch(
      /^Drafted 18 categories \(18 exported, 0 excluded\) into .*; \d+ TODOs to write/,
    );
    const text = await readFile(draftFile, 'utf8');
    const draft = loadCatalogFile(draftFile);
    expect(draft.account.source).toEqual({
      kind: 'table',
      table: 'accounts',
      tenantColumn: 'id',
      through: [],
    });
    expect(draft.account.account).toEqual({ displayField: 'name' });
    const labels = draft.categories.find((c) => c.name === 'task_labels') as IncludedCategory;
    expect(labels.source).toMatchObject({ table: 'task_labels', tenantColumn: 'tenant_id' });
    expect(labels.source.kind === 'table' && labels.source.through).toHaveLength(1);
    const users = draft.categories.find((c) => c.name === 'users') as IncludedCategory;
    expect(users.excludedFields.map((f) => f.name)).toEqual(['password_hash']);
    expect(text).not.toMatch(/name: password_hash\n\s+type:/);
    const tasks = draft.categories.find((c) => c.name === 'tasks') as IncludedCategory;
    expect(tasks.references.map((r) => [r.fields, r.category])).toContainEqual([
      ['project_id'],
      'projects',
    ]);
  });

  it('is refused by portage check while a TODO is left, naming each', async () => {
    const failed = (await run('node', [BIN, 'check'], {
      env: {
        ...process.env,
        PORTAGE_DATA_DIR: dir,
        PORTAGE_SOURCE_URL: platform().url,
        PORTAGE_CATALOG: draftFile,
      },
    }).catch((error: Failed) => error)) as Failed;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /FAIL category users: excluded field password_hash is still TODO/,
    );
    expect(failed.stdout).toMatch(/FAIL category accounts: description is still TODO/);
  });

  it('once its TODOs are written, passes check and exports the rows the shipped catalog does', async () => {
    const filled = join(dir, `${dialect}-filled.yaml`);
    const text = await readFile(draftFile, 'utf8');
    await writeFile(
      filled,
      text
        .replaceAll('description: TODO', 'description: Written by the platform team.')
        .replaceAll('reason: TODO', 'reason: Left out on purpose, as the platform team says.'),
    );
    const { stdout } = await run('node', [BIN, 'check'], {
      env: {
        ...process.env,
        PORTAGE_DATA_DIR: dir,
        PORTAGE_SOURCE_URL: platform().url,
        PORTAGE_CATALOG: filled,
      },
    });
    expect(stdout).toMatch(/^OK: 18 tables/);

    const catalog = loadCatalogFile(filled);
    const archiveFile = join(dir, `${dialect}-acme.zip`);
    const source = openSource(platform().url);
    try {
      await produceArchive(
        {
          exportId: 'exp_draft',
          tenant: 'acme',
          purpose: 'migration',
          formats: ['jsonl'],
          categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
          csv: { bom: false, formulaProtection: false },
          generatedAt: new Date(),
        },
        { catalog, source, settings: { filesDir: platform().filesDir } },
        createWriteStream(archiveFile),
        { onProgress: () => undefined, signal: new AbortController().signal },
      );
    } finally {
      await source.close();
    }
    const manifest = await (
      await extractArchive(await readFile(archiveFile))
    ).json<Manifest>('manifest.json');
    const expected = await rowsByTable(platform().url, shipped, 'acme');
    const draftTables = new Map(
      catalog.categories.flatMap((c) => (c.included ? [[c.name, c.source.table] as const] : [])),
    );
    for (const entry of manifest.categories) {
      const table = draftTables.get(entry.name)!;
      if (!expected.has(table) || !entry.included) continue;
      expect([table, entry.rows]).toEqual([table, expected.get(table)]);
    }
    expect(expected.size).toBe(14);
  });
});
