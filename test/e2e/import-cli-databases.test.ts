import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile, type Catalog, type IncludedCategory } from '../../src/catalog/index.js';
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
import { connectMysql } from '../support/mysql.js';
import { dropIfPassed, pgClient, watchFailures } from '../support/postgres.js';
import { readZip } from './import-fixtures.js';

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

/** Rows an import writes per statement: a refusal names the lines of its batch. */
const BATCH = 500;

/**
 * A row of `bundle` the target will refuse: the record at line 700 (or the
 * last line, in a shorter file) of the largest category kept in a table of
 * its own, singled out by a text field no other record of the file shares
 * and that an import writes as it is (no key, no reference).
 */
async function rowToRefuse(bundle: string, catalog: Catalog) {
  const entries = await readZip(bundle);
  const candidates = catalog.categories
    .filter((c): c is IncludedCategory => c.included && c.source.kind === 'table')
    .map((category) => ({
      category,
      lines: (entries.get(`data/${category.name}.jsonl`)?.toString('utf8') ?? '')
        .split('\n')
        .filter((line) => line !== ''),
    }))
    .sort((a, b) => b.lines.length - a.lines.length);
  for (const { category, lines } of candidates) {
    const source = category.source;
    if (source.kind !== 'table' || category === catalog.account) continue;
    const line = Math.min(700, lines.length);
    const records = lines.map((text) => JSON.parse(text) as Record<string, unknown>);
    const written = category.fields.filter(
      (f) =>
        f.type === 'string' &&
        !category.primaryKey.includes(f.name) &&
        !category.references.some((r) => r.fields.includes(f.name)) &&
        f.name !== source.tenantColumn,
    );
    for (const field of written) {
      const value = records[line - 1]?.[field.name];
      if (typeof value !== 'string' || value.includes("'")) continue;
      if (records.filter((r) => r[field.name] === value).length !== 1) continue;
      return {
        category: category.name,
        table: source.table,
        column: field.name,
        value,
        line,
        lines: lines.length,
      };
    }
  }
  throw new Error('the bundle has no row the test can single out');
}

/** Makes the target refuse, as a constraint would, any row of `table` whose `column` holds `value`. */
async function refuseRows(
  loaded: LoadedPlatform,
  refuse: { table: string; column: string; value: string },
  on: boolean,
): Promise<void> {
  const { table, column, value } = refuse;
  if (loaded.dialect === 'sqlite') {
    const db = new Database(loaded.url);
    try {
      db.exec(
        on
          ? `CREATE TRIGGER refuses_one BEFORE INSERT ON "${table}" WHEN NEW."${column}" = '${value}' BEGIN SELECT RAISE(ABORT, 'refuses_one'); END`
          : 'DROP TRIGGER refuses_one',
      );
    } finally {
      db.close();
    }
  } else if (loaded.dialect === 'postgres') {
    const client = pgClient(loaded.url);
    await client.connect();
    try {
      await client.query(
        on
          ? `CREATE FUNCTION refuses_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
               IF NEW."${column}" = '${value}' THEN RAISE EXCEPTION 'refuses_one' USING ERRCODE = 'check_violation'; END IF;
               RETURN NEW; END $$;
             CREATE TRIGGER refuses_one BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION refuses_one()`
          : `DROP TRIGGER refuses_one ON "${table}"; DROP FUNCTION refuses_one()`,
      );
    } finally {
      await client.end();
    }
  } else {
    const connection = await connectMysql(loaded.url);
    try {
      await connection.query(
        on
          ? `CREATE TRIGGER refuses_one BEFORE INSERT ON \`${table}\` FOR EACH ROW
               IF NEW.\`${column}\` = '${value}' THEN SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = 'refuses_one'; END IF`
          : 'DROP TRIGGER refuses_one',
      );
    } finally {
      await connection.end();
    }
  }
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

  // The database writes one batch while the next is built: its refusal still
  // names the batch it was in, and nothing of the import stays.
  it('a row the target refuses fails the import, naming its line (or its batch where the database does not tell), and writes nothing', async () => {
    const refuse = await rowToRefuse(bundle, catalog);
    const before = await rowsOf(loaded.url, catalog, platform.emptyTenant);
    await refuseRows(loaded, refuse, true);
    try {
      // SQLite and PostgreSQL tell which row they refused; MySQL's multi-row INSERT does not.
      const first = Math.floor((refuse.line - 1) / BATCH) * BATCH + 1;
      const last = Math.min(first + BATCH - 1, refuse.lines);
      const lines =
        dialect !== 'mysql' || first === last ? `line ${refuse.line}` : `lines ${first}–${last}`;
      const refused = portageImport(dialect, env, bundle, {
        tenant: platform.emptyTenant,
        dryRun: false,
      });
      await expect(refused).rejects.toThrow(
        `import refused (constraint_violation): data/${refuse.category}.jsonl ${lines} ("${refuse.category}")`,
      );
      await expect(refused).rejects.toThrow('refuses_one');
      expect(await rowsOf(loaded.url, catalog, platform.emptyTenant)).toEqual(before);
    } finally {
      await refuseRows(loaded, refuse, false);
    }
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
