import { describe, expect, it } from 'vitest';
import { isInFolder, keyInFolder, tenantFolder } from './folder-keys.js';

const files = { pathField: 'storage_key', folder: '{tenant}/attachments' };

describe('tenant folders of files', () => {
  it('replaces {tenant}, and refuses a tenant id that would name another place', () => {
    expect(tenantFolder(files, 'acme')).toBe('acme/attachments');
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'a\0b']) {
      expect(() => tenantFolder(files, bad)).toThrow(/cannot name a folder/);
    }
  });

  it('holds a key only when its text stays inside the folder', () => {
    expect(isInFolder('acme/attachments/a.md', 'acme/attachments')).toBe(true);
    expect(isInFolder('acme/attachments/sub/a.md', 'acme/attachments')).toBe(true);
    for (const outside of [
      'acme/attachments',
      'acme/attachments/',
      'acme/attachmentsX/a.md',
      'globex/attachments/a.md',
      'acme/attachments/../../globex/attachments/a.md',
      'acme/attachments/./a.md',
      'acme/attachments//a.md',
      'acme/attachments/a\\..\\..\\b',
      '/acme/attachments/a.md',
      'acme/attachments/a\0.md',
    ]) {
      expect(isInFolder(outside, 'acme/attachments'), outside).toBe(false);
    }
  });

  it("places any key in the target folder: kept, moved from the source's, or rewritten under it", () => {
    const place = (key: string) => keyInFolder(key, 'acme/attachments', 'sandbox/attachments');
    expect(place('sandbox/attachments/a.md')).toBe('sandbox/attachments/a.md');
    expect(place('acme/attachments/sub/a.md')).toBe('sandbox/attachments/sub/a.md');
    expect(place('globex/attachments/a.md')).toBe('sandbox/attachments/globex/attachments/a.md');
    expect(place('../../etc/passwd')).toBe('sandbox/attachments/etc/passwd');
    expect(place('/etc/passwd')).toBe('sandbox/attachments/etc/passwd');
    expect(place('..\\..\\x.bat')).toBe('sandbox/attachments/x.bat');
    expect(place('..')).toBe('sandbox/attachments/file');
    expect(keyInFolder('acme/attachments/a.md', null, 'sandbox/attachments')).toBe(
      'sandbox/attachments/acme/attachments/a.md',
    );
    for (const key of ['globex/a', '../x', '/abs', 'a//b', 'a/./b']) {
      expect(isInFolder(place(key), 'sandbox/attachments')).toBe(true);
    }
  });
});
