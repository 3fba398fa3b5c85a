import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './index.js';
import { hashPortalToken } from './index.js';
import { DIALECTS, useStoreHandles } from '../../test/support/state-stores.js';

const T0 = new Date('2026-05-04T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

for (const dialect of DIALECTS)
  describe(`portal links and sessions on ${dialect}`, () => {
    const handles = useStoreHandles(dialect, [['acme', 'Acme']]);
    let one: Store;
    let two: Store;
    beforeEach(() => ({ one, two } = handles));

    it('opens a link once, within its lifetime, into a session of the given length', async () => {
      const link = await one.portal.createLink('acme', 'https://app.example.com/', 300, T0);
      expect(link.expiresAt).toBe('2026-05-04T12:05:00.000Z');
      const opened = await two.portal.openLink(link.token, 3600, at(299));
      expect(opened.kind).toBe('opened');
      if (opened.kind !== 'opened') return;
      expect(opened.session).toMatchObject({
        tenantId: 'acme',
        returnUrl: 'https://app.example.com/',
        expiresAt: '2026-05-04T13:04:59.000Z',
      });
      expect((await one.portal.openLink(link.token, 3600, at(300))).kind).toBe('used');
      const found = await one.portal.session(opened.token, at(3000));
      expect(found.kind).toBe('active');
      expect((await one.portal.session(opened.token, at(299 + 3600))).kind).toBe('expired');
    });

    it('refuses a link opened at or after its expiry, and one it never made', async () => {
      const link = await one.portal.createLink('acme', null, 300, T0);
      expect((await one.portal.openLink(link.token, 3600, at(300))).kind).toBe('expired');
      expect((await one.portal.openLink('x'.repeat(43), 3600, T0)).kind).toBe('unknown');
    });

    it('starts one session from many concurrent openings of a link, across processes', async () => {
      const link = await one.portal.createLink('acme', null, 300, T0);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? two : one).portal.openLink(link.token, 3600, at(1)),
        ),
      );
      expect(results.filter((r) => r.kind === 'opened')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'used')).toHaveLength(11);
    });

    it('keeps only hashes: the stored session is found by its token alone, and ends at once', async () => {
      const link = await one.portal.createLink('acme', null, 300, T0);
      const opened = await one.portal.openLink(link.token, 3600, at(1));
      if (opened.kind !== 'opened') throw new Error(opened.kind);
      expect(opened.session.tokenHash).toBe(hashPortalToken(opened.token));
      expect((await two.portal.session(opened.session.tokenHash, at(2))).kind).toBe('unknown');
      await two.portal.endSession(opened.session.tokenHash);
      expect((await one.portal.session(opened.token, at(2))).kind).toBe('unknown');
    });
  });
