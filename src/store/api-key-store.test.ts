import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAST_USED_RESOLUTION_MS, openStore, type Store } from './index.js';
import {
  createStateDatabase,
  DIALECTS,
  type TestStateDatabase,
} from '../../test/support/state-stores.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

for (const dialect of DIALECTS)
  describe(`API keys on ${dialect}`, () => {
    let database: TestStateDatabase;
    let store: Store;
    let other: Store;
    let failed: boolean;
    beforeEach(async (context) => {
      failed = false;
      context.onTestFailed(() => {
        failed = true;
      });
      database = await createStateDatabase(dialect);
      store = await openStore(database.url);
      // A second handle on the same state, as a second process holds.
      other = await openStore(database.url);
      await store.tenants.upsert('acme', 'Acme');
      await store.tenants.upsert('globex', 'Globex');
    });
    afterEach(async () => {
      await Promise.all([store.close(), other.close()]);
      if (failed) console.error(`kept the ${dialect} state of the failed test: ${database.url}`);
      else await database.drop();
    });

    it('keeps a prefix of the key, never the key, and lists it as active', async () => {
      const { key, info } = await store.keys.create('acme', { now: T0 });
      expect(key).toMatch(/^ptg_[A-Za-z0-9_-]{43}$/);
      expect(info.prefix).toBe(key.slice(0, 12));
      const listed = await store.keys.list('acme', T0);
      expect(listed).toEqual([
        {
          id: info.id,
          tenant: 'acme',
          prefix: key.slice(0, 12),
          label: null,
          created_at: T0.toISOString(),
          last_used_at: null,
          expires_at: null,
          revoked_at: null,
          status: 'active',
        },
      ]);
      expect(JSON.stringify(listed)).not.toContain(key.slice(12));
      expect(await store.keys.list('globex', T0)).toEqual([]);
    });

    it('refuses a revoked key from the next check on, in another handle too', async () => {
      const { key, info } = await store.keys.create('acme', { now: T0 });
      expect(await other.keys.check(key, at(1000))).toEqual({
        ok: true,
        tenant: 'acme',
        keyId: info.id,
      });
      const revoked = await store.keys.revoke(info.id, at(2000));
      expect(revoked?.status).toBe('revoked');
      expect(await other.keys.check(key, at(2001))).toEqual({
        ok: false,
        reason: 'revoked',
        at: at(2000).toISOString(),
      });
      // Revoking again keeps the first time.
      expect((await store.keys.revoke(info.id, at(9000)))?.revoked_at).toBe(at(2000).toISOString());
      expect(await store.keys.revoke('key_nothere', at(9000))).toBeNull();
    });

    it('refuses a key from the instant it expires', async () => {
      const expiresAt = at(30 * 86_400_000);
      const { key } = await store.keys.create('acme', { now: T0, expiresAt });
      expect((await other.keys.check(key, at(30 * 86_400_000 - 1))).ok).toBe(true);
      expect(await other.keys.check(key, expiresAt)).toEqual({
        ok: false,
        reason: 'expired',
        at: expiresAt.toISOString(),
      });
      expect((await store.keys.list('acme', expiresAt))[0]?.status).toBe('expired');
    });

    it('refuses an unknown key, and a known key with a character more', async () => {
      const { key } = await store.keys.create('acme', { now: T0 });
      expect(await store.keys.check(`${key}x`, T0)).toEqual({ ok: false, reason: 'unknown' });
      expect(await store.keys.check('', T0)).toEqual({ ok: false, reason: 'unknown' });
    });

    it('records last use at most once a minute, whichever handle serves the request', async () => {
      const { key, info } = await store.keys.create('acme', { now: T0 });
      const seen = new Set<string | null>();
      // A request every second for three minutes, alternating between two processes.
      for (let s = 0; s < 180; s++) {
        const handle = s % 2 === 0 ? store : other;
        expect((await handle.keys.check(key, at(s * 1000))).ok).toBe(true);
        seen.add((await store.keys.get(info.id))?.last_used_at ?? null);
      }
      expect(LAST_USED_RESOLUTION_MS).toBe(60_000);
      expect([...seen]).toEqual([at(0), at(60_000), at(120_000)].map((d) => d.toISOString()));
    });

    it('moves last use forward once when checks race past the minute', async () => {
      const { key, info } = await store.keys.create('acme', { now: T0 });
      await store.keys.check(key, T0);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? store : other).keys.check(key, at(61_000 + i)),
        ),
      );
      const lastUsed = (await store.keys.get(info.id))?.last_used_at;
      expect(lastUsed).not.toBe(T0.toISOString());
      expect(Date.parse(lastUsed!)).toBeGreaterThanOrEqual(at(61_000).getTime());
    });

    it('revokes the keys of one label and tenant only', async () => {
      const demo = await store.keys.create('acme', { now: T0, label: 'demo' });
      const own = await store.keys.create('acme', { now: T0 });
      const globexDemo = await store.keys.create('globex', { now: T0, label: 'demo' });
      expect(await store.keys.revokeLabelled('acme', 'demo', at(1))).toBe(1);
      expect(await store.keys.revokeLabelled('acme', 'demo', at(2))).toBe(0);
      expect((await store.keys.check(demo.key, at(3))).ok).toBe(false);
      expect((await store.keys.check(own.key, at(3))).ok).toBe(true);
      expect((await store.keys.check(globexDemo.key, at(3))).ok).toBe(true);
    });
  });
