import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_TABLES } from '../../src/demo/index.js';
import { importBundle, SqliteWriter, type ImportOptions } from '../../src/import/index.js';
import {
  catalog,
  demoCopy,
  editBundle,
  exportBundle,
  readZip,
  type TestPlatform,
  writeZip,
} from './import-fixtures.js';

/**
 * What a tenant can do with a bundle it built itself (anyone can: SHA256SUMS
 * and content_sha256 are recomputed by {@link editBundle}). Whatever it
 * forges, an import writes only into its own tenant — rows and files — and a
 * dry run tells it nothing about another tenant's files.
 */

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under `dir`, path → sha256. */
async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = sha(await readFile(path));
  }
  return out;
}

/** sha256 of every row `tenant` owns, in every table. */
function tenantRows(db: string, tenant: string): string {
  const conn = new Database(db, { readonly: true });
  try {
    const hash = createHash('sha256');
    for (const table of DEMO_TABLES) {
      const where =
        table.tenantColumn !== null
          ? `${table.tenantColumn} = ?`
          : 'task_id IN (SELECT id FROM tasks WHERE tenant_id = ?)';
      const rows = conn
        .prepare(`SELECT * FROM ${table.name} WHERE ${where} ORDER BY ${table.primaryKey.join()}`)
        .raw(true)
        .safeIntegers(true)
        .all(tenant);
      hash.update(`${table.name}\n${JSON.stringify(rows, (_k, v: unknown) => String(v))}\n`);
    }
    return hash.digest('hex');
  } finally {
    conn.close();
  }
}

function attachmentKeys(db: string, tenant: string): string[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare('SELECT storage_key FROM attachments WHERE tenant_id = ? ORDER BY id')
      .pluck()
      .all(tenant) as string[];
  } finally {
    conn.close();
  }
}

async function runImport(platform: TestPlatform, file: string, options: Partial<ImportOptions>) {
  const target = new SqliteWriter(platform.db);
  try {
    return await importBundle({
      file,
      catalog,
      target,
      tenant: 'acme',
      filesDir: platform.filesDir,
      ...options,
    });
  } finally {
    await target.close();
  }
}

/**
 * A bundle built from `bundle` that holds one attachment record: acme's first,
 * given `id` and naming `path`, with `edit` applied last. The archive holds
 * `bytes` at `attachments/<path>` (or, with null, no file, and the manifest
 * lists the path in `missing_files`).
 */
async function forge(
  bundle: string,
  path: string,
  bytes: Buffer | null,
  edit: (record: Record<string, unknown>) => Record<string, unknown> = (r) => r,
): Promise<string> {
  const entries = await readZip(bundle);
  const first = JSON.parse(
    entries.get('data/attachments.jsonl')!.toString('utf8').split('\n')[0]!,
  ) as Record<string, unknown>;
  const record = edit({ ...first, id: 900_001, storage_key: path });
  const header = JSON.parse(entries.get('bundle.json')!.toString('utf8')) as {
    tenant: string;
    categories: { name: string; rows: number }[];
  };
  header.tenant = String(record.tenant_id);
  header.categories = header.categories
    .filter((c) => c.name === 'attachments')
    .map((c) => ({ ...c, rows: 1 }));
  const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<
    string,
    unknown
  >;
  manifest.missing_files = bytes === null ? [{ category: 'attachments', key: 900_001, path }] : [];
  const forged = new Map<string, Buffer>();
  for (const [entry, content] of entries) {
    if (entry.startsWith('data/') || entry.startsWith('attachments/')) continue;
    forged.set(entry, content);
  }
  forged.set('bundle.json', Buffer.from(JSON.stringify(header, null, 2) + '\n'));
  forged.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  forged.set('data/attachments.jsonl', Buffer.from(JSON.stringify(record) + '\n'));
  if (bytes !== null) forged.set(`attachments/${path}`, bytes);
  const raw = join(await mkdtemp(join(tmpdir(), 'portage-forged-')), 'raw.zip');
  await writeZip(raw, forged);
  return editBundle(raw, (_entry, content) => content, true);
}

describe('forged bundles stay inside the importing tenant', () => {
  let demo: TestPlatform;
  let bundle: string;
  let globexFile: string;

  beforeAll(async () => {
    demo = await demoCopy();
    bundle = (await exportBundle(demo, 'acme')).file;
    globexFile = attachmentKeys(demo.db, 'globex')[0]!;
  });

  it("writes no file into another tenant's folder: the path is rewritten into the importer's", async () => {
    const globexBefore = await filesUnder(join(demo.filesDir, 'globex'));
    const planted = Buffer.from('planted by acme\n');
    const forged = await forge(bundle, 'globex/attachments/planted.md', planted);
    const result = await runImport(demo, forged, { mode: 'preserve' });
    expect(result.error).toBeNull();
    expect(await filesUnder(join(demo.filesDir, 'globex'))).toEqual(globexBefore);
    const keys = attachmentKeys(demo.db, 'acme');
    expect(keys.every((k) => k.startsWith('acme/attachments/'))).toBe(true);
    expect(keys).toContain('acme/attachments/globex/attachments/planted.md');
    expect(
      await readFile(join(demo.filesDir, 'acme/attachments/globex/attachments/planted.md')),
    ).toEqual(planted);
  });

  it("the importer's next export does not carry another tenant's file it pointed at", async () => {
    const platform = await demoCopy();
    const own = (await exportBundle(platform, 'acme')).file;
    const theirs = await readFile(join(platform.filesDir, globexFile));
    // No bytes in the bundle: the file is declared missing, so that the import goes through.
    const forged = await forge(own, globexFile, null);
    const result = await runImport(platform, forged, { mode: 'preserve' });
    expect(result.error).toBeNull();
    expect(attachmentKeys(platform.db, 'acme')).toContain(`acme/attachments/${globexFile}`);
    const next = await exportBundle(platform, 'acme');
    const entries = await readZip(next.file);
    for (const [path, bytes] of entries) {
      expect(path.startsWith('attachments/globex/')).toBe(false);
      if (path.startsWith('attachments/')) expect(bytes.equals(theirs)).toBe(false);
    }
    expect(next.manifest.missing_files).toContainEqual(
      expect.objectContaining({ path: `acme/attachments/${globexFile}`, reason: 'not_found' }),
    );
  });

  it('keeps a hostile path inside the folder: `..`, absolute, backslashes', async () => {
    for (const hostile of ['../../../tmp/evil.sh', '/etc/cron.d/evil', '..\\..\\evil.bat']) {
      const platform = await demoCopy();
      const own = (await exportBundle(platform, 'acme')).file;
      const forged = await forge(own, hostile, null);
      const result = await runImport(platform, forged, { mode: 'preserve' });
      expect(result.error, hostile).toBeNull();
      const keys = attachmentKeys(platform.db, 'acme');
      expect(keys.every((k) => k.startsWith('acme/attachments/') && !k.includes('..'))).toBe(true);
    }
  });

  it("refuses to write through a link in the importer's folder that leads to another tenant's", async () => {
    const platform = await demoCopy();
    const own = (await exportBundle(platform, 'acme')).file;
    await symlink(
      join(platform.filesDir, 'globex/attachments'),
      join(platform.filesDir, 'acme/attachments/shared'),
    );
    const globexBefore = await filesUnder(join(platform.filesDir, 'globex'));
    const forged = await forge(own, 'acme/attachments/shared/planted.md', Buffer.from('x\n'));
    const result = await runImport(platform, forged, { mode: 'preserve' });
    expect(result.error?.code).toBe('unsafe_path');
    expect(result.error?.message).not.toContain(platform.filesDir);
    expect(await filesUnder(join(platform.filesDir, 'globex'))).toEqual(globexBefore);
  });

  it('writes no row of another tenant, whatever tenant the bundle claims or its keys name', async () => {
    const platform = await demoCopy();
    const own = (await exportBundle(platform, 'acme')).file;
    const globexBefore = tenantRows(platform.db, 'globex');
    const conn = new Database(platform.db, { readonly: true });
    const globexAttachment = conn
      .prepare("SELECT id FROM attachments WHERE tenant_id = 'globex' LIMIT 1")
      .pluck()
      .get() as number;
    conn.close();
    // The bundle claims to come from globex: its row is written for acme.
    const claimed = await forge(own, 'globex/attachments/claimed.md', null, (r) => ({
      ...r,
      tenant_id: 'globex',
    }));
    expect((await runImport(platform, claimed, { mode: 'preserve' })).error).toBeNull();
    expect(attachmentKeys(platform.db, 'acme')).toContain('acme/attachments/claimed.md');
    // A record holding globex's key is refused, not written over globex's row.
    const taken = await forge(own, 'acme/attachments/taken.md', null, (r) => ({
      ...r,
      id: globexAttachment,
    }));
    expect((await runImport(platform, taken, { mode: 'preserve' })).status).toBe('failed');
    expect(tenantRows(platform.db, 'globex')).toBe(globexBefore);
    expect(await filesUnder(join(platform.filesDir, 'globex'))).toEqual(
      await filesUnder(join(inject('demoDir'), 'demo-files', 'globex')),
    );
  });
});

describe("dry runs reveal nothing of another tenant's files", () => {
  it('answers the same whether a guessed path exists, and whether its bytes match', async () => {
    const demo = await demoCopy();
    const bundle = (await exportBundle(demo, 'acme')).file;
    const globexFile = attachmentKeys(demo.db, 'globex')[0]!;
    const right = await readFile(join(demo.filesDir, globexFile));
    const guesses = [
      [globexFile, right],
      [globexFile, Buffer.from('wrong bytes')],
      ['globex/attachments/no-such-file.md', Buffer.from('wrong bytes')],
    ] as const;
    const answers = [];
    for (const [path, bytes] of guesses) {
      const forged = await forge(bundle, path, bytes);
      const before = await filesUnder(demo.filesDir);
      const result = await runImport(demo, forged, { mode: 'preserve', dryRun: true });
      expect(await filesUnder(demo.filesDir)).toEqual(before);
      answers.push(JSON.stringify(result));
    }
    expect(answers[0]).toMatch(/"status":"completed"/);
    expect(new Set(answers).size).toBe(1);
  });
});

describe('exports read only the tenant folder', () => {
  it('lists records pointing elsewhere in missing_files, and never reads them', async () => {
    const demo = await demoCopy();
    const globexFile = attachmentKeys(demo.db, 'globex')[0]!;
    const theirs = await readFile(join(demo.filesDir, globexFile));
    await symlink(join(demo.filesDir, globexFile), join(demo.filesDir, 'acme/attachments/link.md'));
    await writeFile(join(demo.filesDir, 'outside.md'), 'outside any tenant folder\n');
    const pointed = [
      globexFile,
      `acme/attachments/../../${globexFile}`,
      join(demo.filesDir, globexFile),
      'outside.md',
      'acme/attachments/link.md',
      'acme/attachments/never-uploaded.md',
    ];
    const db = new Database(demo.db);
    const ids = db
      .prepare("SELECT id FROM attachments WHERE tenant_id = 'acme' ORDER BY id LIMIT ?")
      .pluck()
      .all(pointed.length) as number[];
    const update = db.prepare('UPDATE attachments SET storage_key = ? WHERE id = ?');
    pointed.forEach((path, i) => update.run(path, ids[i]));
    db.close();

    const exported = await exportBundle(demo, 'acme');
    const missing = exported.manifest.missing_files;
    expect(missing).toEqual([
      { category: 'attachments', key: ids[0], path: pointed[0], reason: 'outside_folder' },
      { category: 'attachments', key: ids[1], path: pointed[1], reason: 'outside_folder' },
      { category: 'attachments', key: ids[2], path: pointed[2], reason: 'outside_folder' },
      { category: 'attachments', key: ids[3], path: pointed[3], reason: 'outside_folder' },
      { category: 'attachments', key: ids[4], path: pointed[4], reason: 'outside_folder' },
      { category: 'attachments', key: ids[5], path: pointed[5], reason: 'not_found' },
    ]);
    const entries = await readZip(exported.file);
    for (const [path, bytes] of entries) {
      if (path.startsWith('attachments/')) {
        expect(path.startsWith('attachments/acme/attachments/')).toBe(true);
        expect(bytes.equals(theirs)).toBe(false);
      }
    }
    expect(entries.get('README.md')?.toString('utf8')).toMatch(/Files not in this archive/);
  });
});
