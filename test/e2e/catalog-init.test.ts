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
  DEMO_PLATFORMS,
  generateDemoPlatformInMysql,
  generateDemoPlatformInPostgres,
  type DemoPlatform,
} from '../../src/demo/index.js';
import { catalogInit } from '../../src/cli/catalog-init-command.js';
import { formatCheck, runCheck } from '../../src/cli/check-command.js';
import { loadSettings } from '../../src/config/index.js';
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

const passed = watchFailures();
let dir: string;
const databases: TestDatabase[] = [];
const platforms: { platform: DemoPlatform; dialect: string; url: string; filesDir: string }[] = [];

/**
 * What a person reading each platform's schema sees and the draft must find
 * too: the columns that hold credentials.
 */
const CREDENTIALS: Record<string, Record<string, string[]>> = {
  'acme-tasks': { users: ['password_hash'] },
  'northwind-crm': {
    api_tokens: ['token_hash'],
    members: ['password_digest'],
    pipelines: ['webhook_token'],
  },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-init-'));
  const demoDir = inject('demoDir');
  for (const platform of DEMO_PLATFORMS) {
    platforms.push({
      platform,
      dialect: 'sqlite',
      url: join(demoDir, platform.sqliteFile),
      filesDir: join(demoDir, 'demo-files'),
    });
    const postgres = await createTestDatabase();
    databases.push(postgres);
    const pgFiles = join(dir, `${platform.name}-pg-files`);
    await generateDemoPlatformInPostgres({ platform, database: postgres.url, filesDir: pgFiles });
    platforms.push({ platform, dialect: 'postgres', url: postgres.url, filesDir: pgFiles });
    const mysql = await createMysqlTestDatabase();
    databases.push(mysql);
    const myFiles = join(dir, `${platform.name}-mysql-files`);
    await generateDemoPlatformInMysql({ platform, database: mysql.url, filesDir: myFiles });
    platforms.push({ platform, dialect: 'mysql', url: mysql.url, filesDir: myFiles });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const database of databases) await dropIfPassed(database, passed());
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

/*
 * `portage catalog init` and `portage check` are spawned on SQLite, so that each
 * command runs once per platform; on the server databases the commands' own
 * functions run in this process, with the same settings and the same output,
 * since the command line has nothing that differs by database.
 */

/** `portage catalog init --source <url> --tenant-table <table> --out <file>`: its stderr. */
async function catalogInitCommand(
  dialect: string,
  args: { source: string; tenantTable: string; out: string },
): Promise<string> {
  if (dialect === 'sqlite') {
    const flags = ['--source', args.source, '--tenant-table', args.tenantTable, '--out', args.out];
    return (await run('node', [BIN, 'catalog', 'init', ...flags], { env: process.env })).stderr;
  }
  let stderr = '';
  await catalogInit(args, (text) => (stderr += text));
  return stderr;
}

/** `portage check`: its exit status and stdout. */
async function checkCommand(
  dialect: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string }> {
  if (dialect === 'sqlite') {
    return run('node', [BIN, 'check'], { env }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: Failed) => ({ code: error.code, stdout: error.stdout }),
    );
  }
  const result = await runCheck(loadSettings(env));
  return { code: result.ok ? 0 : 1, stdout: formatCheck(result) };
}

const CASES = DEMO_PLATFORMS.flatMap((platform) =>
  ['sqlite', 'postgres', 'mysql'].map((dialect) => ({ name: platform.name, platform, dialect })),
);

describe.each(CASES)('portage catalog init: $name on $dialect', ({ platform, dialect }) => {
  const target = () => platforms.find((p) => p.platform === platform && p.dialect === dialect)!;
  const shipped = loadCatalogFile(platform.catalogFile);
  const tenantTable = platform.schema.tables.find(
    (t) => t.primaryKey.length === 1 && t.tenantColumn === t.primaryKey[0],
  )!;
  const globalTables = platform.schema.tables.filter(
    (t) => t.tenantColumn === null && t.tenantPath === undefined,
  );
  const tenant = platform.tenants[0]!.id;
  let draftFile: string;

  it('drafts every table, each column typed, credentials excluded, and the tenant path of each table', async () => {
    draftFile = join(dir, `${platform.name}-${dialect}-draft.yaml`);
    const stderr = await catalogInitCommand(dialect, {
      source: target().url,
      tenantTable: tenantTable.name,
      out: draftFile,
    });
    const tables = platform.schema.tables.length;
    expect(stderr).toMatch(
      new RegExp(
        `^Drafted ${tables} categories \\(${tables - globalTables.length} exported, ` +
          `${globalTables.length} excluded\\) into .*; \\d+ TODOs to write`,
      ),
    );
    const text = await readFile(draftFile, 'utf8');
    const draft = loadCatalogFile(draftFile);
    expect(draft.account.source).toEqual({
      kind: 'table',
      table: tenantTable.name,
      tenantColumn: tenantTable.tenantColumn,
      through: [],
    });
    expect(draft.account.account).toEqual(shipped.account.account);
    const included = (table: string) =>
      draft.categories.find((c) => c.included && c.source.table === table) as IncludedCategory;
    for (const table of platform.schema.tables) {
      if (table.tenantPath !== undefined) {
        const source = included(table.name).source;
        expect([table.name, source]).toMatchObject([table.name, { table: table.name }]);
        // Another chain of required columns may be as short or shorter; the rows exported tell.
        const hops = source.kind === 'table' ? source.through.length : 0;
        expect([table.name, hops > 0 && hops <= table.tenantPath.through.length]).toEqual([
          table.name,
          true,
        ]);
      } else if (table.tenantColumn !== null) {
        expect([table.name, included(table.name).source]).toMatchObject([
          table.name,
          { table: table.name, tenantColumn: table.tenantColumn },
        ]);
      } else {
        expect(draft.categories.find((c) => c.name === table.name)?.included).toBe(false);
      }
      for (const column of table.columns) {
        if (column.references === undefined || table.tenantColumn === null) continue;
        const [referenced] = column.references.split('(');
        if (referenced === tenantTable.name) continue;
        expect(included(table.name).references.map((r) => [r.fields, r.category])).toContainEqual([
          [column.name],
          draft.categories.find((c) => c.included && c.source.table === referenced)!.name,
        ]);
      }
    }
    for (const [table, secrets] of Object.entries(CREDENTIALS[platform.name]!)) {
      expect([table, included(table).excludedFields.map((f) => f.name)]).toEqual([table, secrets]);
      for (const secret of secrets)
        expect(text).not.toMatch(new RegExp(`name: ${secret}\\n\\s+type:`));
    }
  });

  it('is refused by portage check while a TODO is left, naming each', async () => {
    const failed = await checkCommand(dialect, {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: target().url,
      PORTAGE_CATALOG: draftFile,
    });
    expect(failed.code).toBe(1);
    const [credentialTable, [secret]] = Object.entries(CREDENTIALS[platform.name]!)[0]!;
    expect(failed.stdout).toContain(
      `FAIL category ${credentialTable}: excluded field ${secret} is still TODO`,
    );
    expect(failed.stdout).toContain(`FAIL category ${tenantTable.name}: description is still TODO`);
  });

  it('once its TODOs are written, passes check and exports the rows the shipped catalog does', async () => {
    const filled = join(dir, `${platform.name}-${dialect}-filled.yaml`);
    const text = await readFile(draftFile, 'utf8');
    await writeFile(
      filled,
      text
        .replaceAll('description: TODO', 'description: Written by the platform team.')
        .replaceAll('reason: TODO', 'reason: Left out on purpose, as the platform team says.'),
    );
    const { code, stdout } = await checkCommand(dialect, {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: target().url,
      PORTAGE_CATALOG: filled,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^OK: ${platform.schema.tables.length} tables`));

    const catalog = loadCatalogFile(filled);
    const archiveFile = join(dir, `${platform.name}-${dialect}.zip`);
    const source = openSource(target().url);
    try {
      await produceArchive(
        {
          exportId: 'exp_draft',
          tenant,
          purpose: 'migration',
          formats: ['jsonl'],
          categories: catalog.categories.filter((c) => c.included).map((c) => c.name),
          csv: { bom: false, formulaProtection: false },
          generatedAt: new Date(),
        },
        { catalog, source, settings: { filesDir: target().filesDir } },
        createWriteStream(archiveFile),
        { onProgress: () => undefined, signal: new AbortController().signal },
      );
    } finally {
      await source.close();
    }
    const manifest = await (
      await extractArchive(await readFile(archiveFile))
    ).json<Manifest>('manifest.json');
    const expected = await rowsByTable(target().url, shipped, tenant);
    const draftTables = new Map(
      catalog.categories.flatMap((c) => (c.included ? [[c.name, c.source.table] as const] : [])),
    );
    let compared = 0;
    for (const entry of manifest.categories) {
      const table = draftTables.get(entry.name)!;
      if (!expected.has(table) || !entry.included) continue;
      expect([table, entry.rows]).toEqual([table, expected.get(table)]);
      compared += 1;
    }
    expect(compared).toBe(expected.size);
    expect(compared).toBeGreaterThan(5);
  });
});
