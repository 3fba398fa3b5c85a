import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  importBundle,
  SqliteWriter,
  type ImportOptions,
  type ImportResult,
} from '../../src/import/index.js';
import {
  catalog,
  databaseDigest,
  demoCopy,
  editBundle,
  exportBundle,
  readZip,
  type TestPlatform,
  writeZip,
} from './import-fixtures.js';

let demo: TestPlatform;
let bundle: string;
let rows: Record<string, number>;

beforeAll(async () => {
  demo = await demoCopy();
  const exported = await exportBundle(demo, 'acme');
  bundle = exported.file;
  rows = Object.fromEntries(
    exported.manifest.categories.flatMap((c) => ('rows' in c ? [[c.name, c.rows ?? 0]] : [])),
  );
});

/** Imports into the demo copy and checks that neither its rows nor its files changed. */
async function importUnchanged(
  file: string,
  options: Partial<ImportOptions> = {},
): Promise<ImportResult> {
  const before = databaseDigest(demo.db);
  const filesBefore = await readdir(demo.filesDir, { recursive: true });
  const target = new SqliteWriter(demo.db);
  try {
    return await importBundle({
      file,
      catalog,
      target,
      tenant: 'sandbox',
      filesDir: demo.filesDir,
      trusted: true,
      ...options,
    });
  } finally {
    await target.close();
    expect(databaseDigest(demo.db)).toBe(before);
    expect(await readdir(demo.filesDir, { recursive: true })).toEqual(filesBefore);
  }
}

/** Renames entries in zip bytes: yazl refuses hostile names, so a same-length stand-in is patched. */
function patchNames(bytes: Buffer, from: string, to: string): Buffer {
  expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
  const out = Buffer.from(bytes);
  const needle = Buffer.from(from);
  for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, at + 1)) {
    Buffer.from(to).copy(out, at);
  }
  return out;
}

describe('import refusals leave the target unchanged', () => {
  it('refuses a flipped byte in a data file (checksum_mismatch)', async () => {
    const file = await editBundle(
      bundle,
      (path, bytes) => {
        if (path !== 'data/tasks.jsonl') return bytes;
        const copy = Buffer.from(bytes);
        copy[100] = copy[100]! ^ 0x01;
        return copy;
      },
      false,
    );
    const result = await importUnchanged(file, { mode: 'remap' });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('checksum_mismatch');
    expect(result.error?.message).toContain('data/tasks.jsonl');
  });

  it('refuses another catalog version (catalog_version_unknown)', async () => {
    const file = await editBundle(
      bundle,
      (path, bytes) =>
        path === 'bundle.json'
          ? Buffer.from(
              bytes
                .toString('utf8')
                .replace(/"catalog_version": "[^"]*"/, '"catalog_version": "9.9.9"'),
            )
          : bytes,
      true,
    );
    const result = await importUnchanged(file, { mode: 'remap' });
    expect(result.error).toMatchObject({ code: 'catalog_version_unknown' });
    expect(result.error?.message).toContain('9.9.9');
  });

  it('refuses a migration export (not_a_bundle)', async () => {
    const migration = await exportBundle(demo, 'acme', 'migration', ['jsonl']);
    const result = await importUnchanged(migration.file, { mode: 'remap' });
    expect(result.error).toMatchObject({ code: 'not_a_bundle' });
    expect(result.error?.message).toContain('bundle.json');
  });

  it.each([
    ['a parent segment', 'zz/evil', '../evil'],
    ['an absolute path', '_etc/evil', '/etc/evil'],
    ['a backslash', 'data/x_evil', 'data/x\\evil'],
  ])('refuses an entry with %s (unsafe_path)', async (_name, standIn, hostile) => {
    const entries = await readZip(bundle);
    entries.set(standIn, Buffer.from('evil'));
    const dir = await mkdtemp(join(tmpdir(), 'portage-import-evil-'));
    const clean = join(dir, 'clean.zip');
    await writeZip(clean, entries);
    const file = join(dir, 'evil.zip');
    await writeFile(file, patchNames(await readFile(clean), standIn, hostile));
    const result = await importUnchanged(file, { mode: 'remap' });
    expect(result.error).toMatchObject({ code: 'unsafe_path' });
    expect(result.error?.message).toContain('evil');
  });

  describe('a zip bomb: 1 GB of zeros deflated to about 1 MB', () => {
    let bomb: Buffer;
    const limits = { maxUncompressedBytes: 64 * 1024 * 1024 };

    beforeAll(async () => {
      const zip = new yazl.ZipFile();
      const dir = await mkdtemp(join(tmpdir(), 'portage-import-bomb-'));
      const output = createWriteStream(join(dir, 'bomb.zip'));
      zip.outputStream.pipe(output);
      // Listed in SHA256SUMS (with any digest), so the bomb is read rather than refused as unlisted.
      const listed = `${'0'.repeat(64)}  data/zeros.bin\n`;
      for (const [path, bytes] of await readZip(bundle)) {
        zip.addBuffer(
          path === 'SHA256SUMS' ? Buffer.concat([bytes, Buffer.from(listed)]) : bytes,
          path,
        );
      }
      const zeros = Buffer.alloc(1024 * 1024);
      zip.addReadStream(
        Readable.from(
          (function* () {
            for (let i = 0; i < 1024; i++) yield zeros;
          })(),
        ),
        'data/zeros.bin',
      );
      zip.end();
      await finished(output);
      bomb = await readFile(join(dir, 'bomb.zip'));
      expect(bomb.length).toBeLessThan(8 * 1024 * 1024);
    });

    it('refuses it from its declared size (archive_too_large)', async () => {
      const file = join(await mkdtemp(join(tmpdir(), 'portage-import-bomb-')), 'bomb.zip');
      await writeFile(file, bomb);
      const result = await importUnchanged(file, { mode: 'remap', limits });
      expect(result.error).toMatchObject({ code: 'archive_too_large' });
    });

    it('refuses it while inflating when its declared size lies (archive_too_large)', async () => {
      const lying = Buffer.from(bomb);
      const name = Buffer.from('data/zeros.bin');
      // Central directory record: signature, then the uncompressed size at +24 and the name at +46.
      const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
      let patched = 0;
      for (let at = lying.indexOf(signature); at !== -1; at = lying.indexOf(signature, at + 4)) {
        if (lying.subarray(at + 46, at + 46 + name.length).equals(name)) {
          lying.writeUInt32LE(100, at + 24);
          patched++;
        }
      }
      expect(patched).toBe(1);
      const file = join(await mkdtemp(join(tmpdir(), 'portage-import-bomb-')), 'lying.zip');
      await writeFile(file, lying);
      const result = await importUnchanged(file, { mode: 'remap', limits });
      expect(result.error).toMatchObject({ code: 'archive_too_large' });
      expect(result.error?.message).toContain(
        'data/zeros.bin inflates past the 100 bytes it declares',
      );
    });
  });

  it('refuses a record that breaks its schema, naming category, line and field (schema_violation)', async () => {
    const file = await editBundle(
      bundle,
      (path, bytes) => {
        if (path !== 'data/tasks.jsonl') return bytes;
        const lines = bytes.toString('utf8').split('\n');
        lines[2] = lines[2]!.replace(/"priority":\d+/, '"priority":"high"');
        return Buffer.from(lines.join('\n'));
      },
      true,
    );
    const result = await importUnchanged(file, { mode: 'remap' });
    expect(result.error).toMatchObject({ code: 'schema_violation' });
    expect(result.error?.message).toContain('data/tasks.jsonl line 3');
    expect(result.error?.message).toContain('"tasks"');
    expect(result.error?.message).toContain('/priority');
  });

  for (const [what, edit, problem] of [
    [
      'a lone surrogate',
      (line: string) => line.replace('"title":"', '"title":"\\ud800'),
      /lone surrogate/,
    ],
    [
      'a key twice',
      (line: string) => line.replace(/^\{/, '{"title":"again",'),
      /duplicate key "title"/,
    ],
    [
      'a number beyond a double',
      (line: string) => line.replace(/"priority":\d+/, '"priority":1E400'),
      /1E400/,
    ],
  ] as const) {
    it(`refuses a record holding ${what}, naming file and line (schema_violation)`, async () => {
      const file = await editBundle(
        bundle,
        (path, bytes) => {
          if (path !== 'data/tasks.jsonl') return bytes;
          const lines = bytes.toString('utf8').split('\n');
          const edited = edit(lines[2]!);
          expect(edited).not.toBe(lines[2]);
          lines[2] = edited;
          return Buffer.from(lines.join('\n'));
        },
        true,
      );
      const result = await importUnchanged(file);
      expect(result.error).toMatchObject({ code: 'schema_violation' });
      expect(result.error?.message).toMatch(/^data\/tasks\.jsonl line 3 is not JSON: /);
      expect(result.error?.message).toMatch(problem);
    });
  }

  it("refuses preserve over the tenant's own keys, naming them (id_conflict)", async () => {
    const result = await importUnchanged(bundle, { mode: 'preserve', tenant: 'acme' });
    expect(result.error).toMatchObject({ code: 'id_conflict' });
    const users = result.conflicts.filter((c) => c.category === 'users');
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((c) => typeof c.key === 'number')).toBe(true);
    expect(result.error?.message).toContain(`users: ${rows.users}`);
    expect(result.conflicts.map((c) => c.category)).toContain('tasks');
  });

  it("refuses preserve over another tenant's keys without naming any (id_unavailable)", async () => {
    const result = await importUnchanged(bundle, { mode: 'preserve' });
    expect(result.error).toMatchObject({ code: 'id_unavailable' });
    expect(result.conflicts).toEqual([]);
    expect(result.error?.message).not.toMatch(/\d{2,}/);
  });

  it('dry run checks everything, reports counts, and writes nothing', async () => {
    const result = await importUnchanged(bundle, { mode: 'remap', dryRun: true });
    expect(result).toMatchObject({ status: 'completed', dryRun: true, error: null });
    for (const [name, count] of Object.entries(rows)) {
      expect(result.counts[name], name).toBe(name === 'account' ? 0 : count);
    }
    // Only the caller's own rows are searched: acme's keys are not sandbox's business.
    const elsewhere = await importUnchanged(bundle, { mode: 'preserve', dryRun: true });
    expect(elsewhere).toMatchObject({ status: 'completed', conflicts: [], error: null });
    const conflicting = await importUnchanged(bundle, {
      mode: 'preserve',
      dryRun: true,
      tenant: 'acme',
    });
    expect(conflicting.error?.code).toBe('id_conflict');
    expect(conflicting.counts.users).toBe(rows.users);
  });
});
