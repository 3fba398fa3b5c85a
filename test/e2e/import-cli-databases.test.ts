import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile, type Catalog } from '../../src/catalog/index.js';
import { exportToFile } from '../../src/cli/export-command.js';
import { importFromFile } from '../../src/cli/import-command.js';
import { loadSettings } from '../../src/config/index.js';
import { DEMO_PLATFORMS } from '../../src/demo/index.js';
import { openSource } from '../../src/sources/index.js';
import {
  loadDemoPlatform,
  SOURCE_DIALECTS,
  type LoadedPlatform,
  type SourceDialect,
} from '../support/demo-databases.js';
import { dropIfPassed, watchFailures } from '../support/postgres.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/portage.js');

/** Rows each included category holds for `tenant`, read in one snapshot. */
async function rowsOf(
  url: string,
  catalog: Catalog,
  tenant: string,
): Promise<Record<string, number>> {
  const source = openSource(url);
  try {
    return await source.withSnapshot(async (snapshot) => {
      const out: Record<string, number> = {};
      for (const c of catalog.categories) {
        if (c.included) out[c.name] = await snapshot.count({ source: c.source, tenant });
      }
      return out;
    });
  } finally {
    await source.close();
  }
}

/*
 * `portage export` and `portage import` are spawned on SQLite, so that each
 * command runs once per platform; on the server databases the commands' own
 * functions run in this process, with the same settings and the same output,
 * since the command line has nothing that differs by database.
 */

/** `portage export --tenant <tenant> --purpose duplication --out <bundle>`. */
async function portageExport(
  dialect: SourceDialect,
  env: NodeJS.ProcessEnv,
  args: { tenant: string; out: string },
): Promise<void> {
  if (dialect === 'sqlite') {
    const flags = ['--tenant', args.tenant, '--purpose', 'duplication', '--out', args.out];
    await run('node', [BIN, 'export', ...flags], { env });
  } else {
    let summary = '';
    await exportToFile(
      loadSettings(env),
      { tenant: args.tenant, purpose: 'duplication', out: args.out },
      (text) => (summary += text),
    );
    expect(summary).toMatch(/^Wrote .*: \d+ bytes, sha256 [0-9a-f]{64}, \d+ rows\.\n$/);
  }
}

/** `portage import <bundle> --tenant <tenant> --mode remap [--dry-run]`: its stdout. */
async function portageImport(
  dialect: SourceDialect,
  env: NodeJS.ProcessEnv,
  bundle: string,
  args: { tenant: string; dryRun: boolean },
): Promise<string> {
  if (dialect === 'sqlite') {
    const flags = [
      '--tenant',
      args.tenant,
      '--mode',
      'remap',
      ...(args.dryRun ? ['--dry-run'] : []),
    ];
    return (await run('node', [BIN, 'import', bundle, ...flags], { env })).stdout;
  }
  let stdout = '';
  await importFromFile(
    loadSettings(env),
    bundle,
    { tenant: args.tenant, mode: 'remap', dryRun: args.dryRun },
    (text) => (stdout += text),
  );
  return stdout;
}

const CASES = DEMO_PLATFORMS.flatMap((platform) =>
  SOURCE_DIALECTS.map((dialect) => ({ name: platform.name, platform, dialect })),
);

/** `portage export` then `portage import --mode remap` into the empty tenant, on every database. */
describe.each(CASES)('portage import: $name on $dialect', ({ platform, dialect }) => {
  const passed = watchFailures();
  const catalog = loadCatalogFile(platform.catalogFile);
  const [from] = platform.tenants;
  let dir: string;
  let loaded: LoadedPlatform;
  let env: NodeJS.ProcessEnv;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-import-db-'));
    loaded = await loadDemoPlatform(platform, dialect, dir);
    env = {
      ...process.env,
      PORTAGE_DATA_DIR: dir,
      PORTAGE_SOURCE_URL: loaded.url,
      PORTAGE_CATALOG: platform.catalogFile,
      PORTAGE_FILES_DIR: loaded.filesDir,
    };
    bundle = join(dir, 'bundle.zip');
    await portageExport(dialect, env, { tenant: from!.id, out: bundle });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    if (loaded?.database) await dropIfPassed(loaded.database, passed());
  });

  it('a dry run writes nothing; the import writes every category the source tenant holds', async () => {
    const before = await rowsOf(loaded.url, catalog, platform.emptyTenant);
    const dry = await portageImport(dialect, env, bundle, {
      tenant: platform.emptyTenant,
      dryRun: true,
    });
    expect(dry).toMatch(
      new RegExp(
        `^Import into ${platform.emptyTenant} \\(remap, dry run, trusted\\): would write \\d+ rows\\n`,
      ),
    );
    expect(await rowsOf(loaded.url, catalog, platform.emptyTenant)).toEqual(before);

    const stdout = await portageImport(dialect, env, bundle, {
      tenant: platform.emptyTenant,
      dryRun: false,
    });
    const source = await rowsOf(loaded.url, catalog, from!.id);
    const target = await rowsOf(loaded.url, catalog, platform.emptyTenant);
    for (const [name, rows] of Object.entries(source)) {
      // The account category's row is the target tenant's own, updated rather than added.
      const expected = name === catalog.account.name ? before[name] : rows;
      expect([name, target[name]]).toEqual([name, expected]);
      if (name !== catalog.account.name && rows > 0)
        expect(stdout).toMatch(new RegExp(`\\n {2}${name}: ${rows}\\n`));
    }
  });
});
