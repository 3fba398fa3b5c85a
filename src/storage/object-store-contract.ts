import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable as ReadableStream } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntegrityError, InvalidObjectKeyError, ObjectNotFoundError } from './storage-errors.js';
import type { ObjectStore, PendingObject } from './types.js';

/** A store under test, with a way to list what it holds (temporary objects included). */
export interface StoreFixture {
  readonly store: ObjectStore;
  /** Every key or temporary name currently stored. */
  listEverything(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Writes `content` through a pending object, without publishing it. */
export async function writeAll(pending: PendingObject, content: Buffer): Promise<void> {
  await pipeline(ReadableStream.from([content]), pending.writable);
}

/** Reads a whole stream into one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The size and sha256 `publish` expects for `content`. */
export function expectedOf(content: Buffer): { bytes: number; sha256: string } {
  return { bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/**
 * The behaviour every {@link ObjectStore} must show, run against each
 * implementation: `describeObjectStore('file', () => ...)`.
 */
export function describeObjectStore(name: string, open: () => Promise<StoreFixture>): void {
  describe(`${name} object store`, () => {
    let fixture: StoreFixture;
    const content = Buffer.from('zip bytes, and some more: é ✓\n'.repeat(1000));

    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('publishes a verified object, then stats, reads and range-reads it', async () => {
      const { store } = fixture;
      const pending = await store.beginWrite('exports/acme/exp_1.zip');
      await writeAll(pending, content);
      expect(await store.stat('exports/acme/exp_1.zip')).toBeNull();
      await pending.publish(expectedOf(content));

      expect(await store.stat('exports/acme/exp_1.zip')).toEqual({ bytes: content.length });
      expect(await readAll(await store.read('exports/acme/exp_1.zip'))).toEqual(content);
      const range = await store.read('exports/acme/exp_1.zip', { start: 10, end: 19 });
      expect(await readAll(range)).toEqual(content.subarray(10, 20));
      expect(await fixture.listEverything()).toEqual(['exports/acme/exp_1.zip']);
    });

    it('refuses to publish bytes whose sha256 or size differ, leaving nothing behind', async () => {
      const { store } = fixture;
      const wrongHash = await store.beginWrite('a.zip');
      await writeAll(wrongHash, content);
      const badSha = { ...expectedOf(content), sha256: expectedOf(Buffer.from('other')).sha256 };
      await expect(wrongHash.publish(badSha)).rejects.toBeInstanceOf(IntegrityError);

      const wrongSize = await store.beginWrite('a.zip');
      await writeAll(wrongSize, content);
      const badSize = { ...expectedOf(content), bytes: content.length + 1 };
      await expect(wrongSize.publish(badSize)).rejects.toThrow(/expected \d+ bytes/);

      expect(await store.stat('a.zip')).toBeNull();
      expect(await fixture.listEverything()).toEqual([]);
    });

    it('leaves nothing behind when a write is aborted, even twice', async () => {
      const { store } = fixture;
      const pending = await store.beginWrite('b.zip');
      pending.writable.write(content);
      await pending.abort();
      await pending.abort();
      expect(await store.stat('b.zip')).toBeNull();
      expect(await fixture.listEverything()).toEqual([]);
    });

    it('keeps a published object when abort is called afterwards', async () => {
      const pending = await fixture.store.beginWrite('c.zip');
      await writeAll(pending, content);
      await pending.publish(expectedOf(content));
      await pending.abort();
      expect(await fixture.store.stat('c.zip')).toEqual({ bytes: content.length });
    });

    it('lets an abort racing a publish wait for it, then keep what was published', async () => {
      const pending = await fixture.store.beginWrite('race.zip');
      await writeAll(pending, content);
      await Promise.all([pending.publish(expectedOf(content)), pending.abort()]);
      expect(await fixture.store.stat('race.zip')).toEqual({ bytes: content.length });
      expect(await fixture.listEverything()).toEqual(['race.zip']);
    });

    it('deletes objects, and treats an absent one as already deleted', async () => {
      const { store } = fixture;
      const pending = await store.beginWrite('d.zip');
      await writeAll(pending, content);
      await pending.publish(expectedOf(content));
      await store.delete('d.zip');
      await store.delete('d.zip');
      expect(await store.stat('d.zip')).toBeNull();
      await expect(store.read('d.zip')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('lists the keys under a prefix, at any depth, and none being written', async () => {
      const { store } = fixture;
      const keys = [
        'pieces/exp_1/tasks.csv.00001',
        'pieces/exp_1/deep/er.jsonl.00002',
        'pieces/exp_2/tasks.csv.00001',
        'piecesX/other',
        'pieces.zip',
      ];
      for (const key of keys) {
        const pending = await store.beginWrite(key);
        await writeAll(pending, content);
        await pending.publish(expectedOf(content));
      }
      const unpublished = await store.beginWrite('pieces/exp_3/tasks.csv.00001');
      await writeAll(unpublished, content);
      const listed = async (prefix: string) => {
        const found: string[] = [];
        for await (const key of store.list(prefix)) found.push(key);
        return found.sort();
      };
      expect(await listed('pieces/')).toEqual(keys.slice(0, 3).sort());
      expect(await listed('pieces/exp_1/')).toEqual(keys.slice(0, 2).sort());
      expect(await listed('pieces/exp_1/deep/')).toEqual([keys[1]]);
      expect(await listed('nothing/here/')).toEqual([]);
      expect(await listed('pieces.zip/')).toEqual([]);
      await unpublished.abort();
      for (const prefix of ['pieces', '../', 'a//', '.tmp/', '/']) {
        await expect(listed(prefix)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
    });

    it.each(['../escape.zip', 'a/../../b', '/etc/passwd', 'a\0b', '', 'a//b', '.tmp/x', 'C:/x'])(
      'refuses the key %j',
      async (key) => {
        await expect(fixture.store.beginWrite(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(fixture.store.stat(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(fixture.store.read(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(fixture.store.delete(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      },
    );

    it('answers ping when reachable and writable', async () => {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
    });
  });
}
