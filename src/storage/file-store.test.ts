import { chmod, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import {
  describeObjectStore,
  expectedOf,
  readAll,
  writeAll,
  type StoreFixture,
} from './object-store-contract.js';
import { InvalidByteRangeError } from './storage-errors.js';

async function listFiles(root: string, dir = root): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) files.push(...(await listFiles(root, path)));
    else files.push(relative(root, path));
  }
  return files.sort();
}

async function openFileStore(): Promise<StoreFixture & { root: string }> {
  const root = join(await mkdtemp(join(tmpdir(), 'portage-file-store-')), 'store');
  return {
    root,
    store: new FileStore(root),
    listEverything: () => listFiles(root),
    cleanup: () => rm(join(root, '..'), { recursive: true, force: true }),
  };
}

describeObjectStore('file', openFileStore);

describe('FileStore on disk', () => {
  let fixture: Awaited<ReturnType<typeof openFileStore>>;
  const content = Buffer.from('0123456789abcdef');

  beforeEach(async () => {
    fixture = await openFileStore();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('creates its root on demand and keeps unpublished bytes under .tmp/', async () => {
    const pending = await fixture.store.beginWrite('x/y.zip');
    await writeAll(pending, content);
    const [temp, ...others] = await fixture.listEverything();
    expect(others).toEqual([]);
    expect(temp).toMatch(/^\.tmp\/\d+-[0-9a-f-]{36}\.part$/);
    await pending.publish(expectedOf(content));
    expect(await fixture.listEverything()).toEqual(['x/y.zip']);
    expect((await stat(join(fixture.root, 'x/y.zip'))).mode & 0o777).toBe(0o600);
  });

  it('cuts a range that runs past the end, and refuses a reversed one', async () => {
    const pending = await fixture.store.beginWrite('r.zip');
    await writeAll(pending, content);
    await pending.publish(expectedOf(content));
    expect(
      (await readAll(await fixture.store.read('r.zip', { start: 12, end: 99 }))).toString(),
    ).toBe('cdef');
    await expect(fixture.store.read('r.zip', { start: 5, end: 4 })).rejects.toBeInstanceOf(
      InvalidByteRangeError,
    );
  });

  it('refuses to publish before the writable has ended', async () => {
    const pending = await fixture.store.beginWrite('early.zip');
    pending.writable.write(content);
    await expect(pending.publish(expectedOf(content))).rejects.toThrow(/not been ended/);
    await pending.abort();
    expect(await fixture.listEverything()).toEqual([]);
  });

  it('sweeps temporary files older than the threshold only', async () => {
    const stale = await fixture.store.beginWrite('stale.zip');
    await writeAll(stale, content);
    const fresh = await fixture.store.beginWrite('fresh.zip');
    await writeAll(fresh, content);
    const published = await fixture.store.beginWrite('kept.zip');
    await writeAll(published, content);
    await published.publish(expectedOf(content));

    const [staleName] = (await readdir(join(fixture.root, '.tmp'))).sort();
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(fixture.root, '.tmp', staleName ?? ''), hourAgo, hourAgo);

    expect(await fixture.store.sweepTemporary(600_000)).toBe(1);
    expect(await fixture.store.sweepTemporary(600_000)).toBe(0);
    expect((await fixture.listEverything()).filter((f) => f.startsWith('.tmp/'))).toHaveLength(1);
    await fresh.publish(expectedOf(content));
    expect(await fixture.listEverything()).toEqual(['fresh.zip', 'kept.zip']);
  });

  it('sweeps nothing when nothing was ever written', async () => {
    expect(await fixture.store.sweepTemporary(0)).toBe(0);
  });

  it.skipIf(process.getuid?.() === 0)('fails ping when its directory is not writable', async () => {
    await fixture.store.ping();
    await chmod(join(fixture.root, '.tmp'), 0o500);
    try {
      await expect(fixture.store.ping()).rejects.toThrow(/EACCES/);
    } finally {
      await chmod(join(fixture.root, '.tmp'), 0o700);
    }
  });

  it('treats a key naming a folder as absent', async () => {
    const pending = await fixture.store.beginWrite('folder/inner.zip');
    await writeAll(pending, content);
    await pending.publish(expectedOf(content));
    expect(await fixture.store.stat('folder')).toBeNull();
    await expect(fixture.store.read('folder')).rejects.toThrow(/no object stored/);
  });
});
