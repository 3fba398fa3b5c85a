import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../storage/index.js';
import { openStore, type Store } from '../store/index.js';
import { housekeep, TEMPORARY_MAX_AGE_MS } from './expiry.js';

describe('housekeeping', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-housekeep-'));
    store = await openStore(join(dir, 'state.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('deletes a temporary object a crashed writer left, and keeps one being written', async () => {
    const storage = new FileStore(join(dir, 'archives'));
    const abandoned = await storage.beginWrite('exports/acme/abandoned.zip');
    abandoned.writable.end('half an archive');
    const live = await storage.beginWrite('exports/acme/live.zip');
    live.writable.write('being written');
    await finished(abandoned.writable);
    const temporaries = join(dir, 'archives', '.tmp');
    const names = await readdir(temporaries);
    const sizes = await Promise.all(
      names.map(async (n) => (await stat(join(temporaries, n))).size),
    );
    const abandonedName = names[sizes.indexOf('half an archive'.length)]!;
    const stale = new Date(Date.now() - TEMPORARY_MAX_AGE_MS - 60_000);
    await utimes(join(temporaries, abandonedName), stale, stale);

    await housekeep({ store, storage, settings: { notificationRetentionDays: 30 } });

    const left = await readdir(temporaries);
    expect(left).toHaveLength(1);
    expect(left).not.toContain(abandonedName);
    await live.abort();
    expect(await readdir(temporaries)).toEqual([]);
  });
});
