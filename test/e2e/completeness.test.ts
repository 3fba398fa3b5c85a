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
import { loadCatalogFile, type IncludedCategory } from '../../src/catalog/index.js';
import { loadSettings } from '../../src/config/index.js';
import { DEMO_CATALOG_FILE, DEMO_TENANTS } from '../../src/demo/index.js';
import { produceArchive } from '../../src/jobs/index.js';
import { openSource, tenantScope } from '../../src/sources/index.js';
import { runCheck } from '../../src/cli/check-command.js';
import { extractArchive, sha256sumCheck, type ExtractedArchive } from '../support/archive.js';
import { api, waitForExport } from '../support/http.js';
import { demoDatabase, startServer } from '../support/portage-server.js';

const run = promisify(execFile);
const catalog = loadCatalogFile(DEMO_CATALOG_FILE);
const included = catalog.categories.filter((c): c is IncludedCategory => c.included);

/** Exports a tenant of the platform at `sourceFile` straight to an extracted archive. */
async function exportTenant(
  sourceFile: string,
  filesDir: string,
  tenant: string,
): Promise<ExtractedArchive> {
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
      { catalog, source, settings: { filesDir } },
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

describe('every demo tenant, completely', () => {
  const archives = new Map<string, ExtractedArchive>();
  let db: Database.Database;
  beforeAll(async () => {
    db = new Database(demoDatabase(), { readonly: true });
    for (const tenant of DEMO_TENANTS) {
      archives.set(
        tenant.id,
        await exportTenant(demoDatabase(), join(demoDatabase(), '..', 'demo-files'), tenant.id),
      );
    }
  });
  afterAll(() => db?.close());

  it('lists every catalog category in every manifest, with rows equal to count(*) in the platform', async () => {
    for (const [tenant, archive] of archives) {
      const manifest = await archive.json<Manifest>('manifest.json');
      expect(manifest.categories.map((c) => c.name)).toEqual(catalog.categories.map((c) => c.name));
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

  it('never writes an excluded field’s value anywhere in an archive', async () => {
    const secrets = [
      ...(db
        .prepare('SELECT password_hash FROM users WHERE password_hash IS NOT NULL')
        .pluck()
        .all() as string[]),
      ...(db
        .prepare('SELECT signing_secret FROM webhooks WHERE signing_secret IS NOT NULL')
        .pluck()
        .all() as string[]),
    ];
    expect(secrets.length).toBeGreaterThan(5);
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
          expect(text).not.toContain('password_hash');
          expect(text).not.toContain('signing_secret');
        }
      }
    }
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

describe('a platform that drifts from its catalog', () => {
  let dir: string;
  let drifted: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-drift-'));
    drifted = join(dir, 'platform.sqlite');
    await copyFile(demoDatabase(), drifted);
    const db = new Database(drifted);
    db.exec(
      [
        'CREATE TABLE feature_flags (id INTEGER PRIMARY KEY, tenant_id TEXT, flag TEXT)',
        'ALTER TABLE users ADD COLUMN nickname TEXT',
        // tasks is also read by task_labels to reach the tenant: that join accounts for none of its columns.
        'ALTER TABLE tasks ADD COLUMN secret_note TEXT',
        // task_labels reaches its tenant only through tasks.
        'ALTER TABLE task_labels ADD COLUMN note TEXT',
      ].join('; '),
    );
    db.close();
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('makes portage check fail, naming the new table and column', async () => {
    const settings = loadSettings({ PORTAGE_DATA_DIR: dir, PORTAGE_SOURCE_URL: drifted }, dir);
    const result = await runCheck(settings);
    expect(result.ok).toBe(false);
    expect(result.undeclared).toEqual([
      { table: 'feature_flags', column: null },
      { table: 'task_labels', column: 'note' },
      { table: 'tasks', column: 'secret_note' },
      { table: 'users', column: 'nickname' },
    ]);
    const bin = join(import.meta.dirname, '../../bin/portage.js');
    const failed = await run('node', [bin, 'check'], {
      env: { ...process.env, PORTAGE_DATA_DIR: dir, PORTAGE_SOURCE_URL: drifted },
    }).catch((error: { code: number; stdout: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stdout: string }).stdout).toMatch(/undeclared table "feature_flags"/);
    expect((failed as { stdout: string }).stdout).toMatch(/undeclared column "users\.nickname"/);
    expect((failed as { stdout: string }).stdout).toMatch(/undeclared column "tasks\.secret_note"/);
  });

  it('passes portage check on the shipped demo', async () => {
    const settings = loadSettings(
      { PORTAGE_DATA_DIR: dir, PORTAGE_SOURCE_URL: demoDatabase() },
      dir,
    );
    expect((await runCheck(settings)).ok).toBe(true);
  });

  it('lists what is undeclared in the next export’s manifest and README', async () => {
    const archive = await exportTenant(drifted, join(demoDatabase(), '..', 'demo-files'), 'globex');
    const manifest = await archive.json<Manifest>('manifest.json');
    expect(manifest.undeclared).toEqual([
      { table: 'feature_flags', column: null },
      { table: 'task_labels', column: 'note' },
      { table: 'tasks', column: 'secret_note' },
      { table: 'users', column: 'nickname' },
    ]);
    expect(await archive.read('README.md')).toContain('`users.nickname`');
  });

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
      const created = await api(server.baseUrl, 'POST', '/v1/exports', {
        key: server.keys.acme,
        body: { purpose: 'migration' },
      });
      const done = await waitForExport(
        server.baseUrl,
        server.keys.acme!,
        created.body.id as string,
      );
      expect(done).toMatchObject({ status: 'failed', error: { code: 'source_read_failed' } });
      expect((done.error as { message: string }).message).toMatch(/category "task_labels"/);
      const record = await server.runtime.store.exports.getById(created.body.id as string);
      expect(record?.storageKey).toBeNull();
    } finally {
      await server.close();
    }
  });
});
