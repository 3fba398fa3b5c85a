import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { contentSha256, sha256sumsText } from './checksums.js';
import { sha256 } from './zip-test-support.js';

const files: Record<string, string> = {
  'data/tasks.csv': 'id\r\n1\r\n',
  'data/Zebra.json': '[]',
  'data/émoji-✓.json': '{}',
  'schemas/tasks.schema.json': '{"type":"object"}',
  'attachments/a b/c.txt': 'attachment',
  'manifest.json': '{}',
  'README.md': '# Export\n',
};
const entries = Object.entries(files).map(([path, content]) => ({ path, sha256: sha256(content) }));

describe('SHA256SUMS', () => {
  it('lists every entry as "<hex>  <path>", sorted by UTF-8 bytes', () => {
    const lines = sha256sumsText(entries).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => l.slice(66))).toEqual([
      'README.md',
      'attachments/a b/c.txt',
      'data/Zebra.json',
      'data/tasks.csv',
      'data/émoji-✓.json',
      'manifest.json',
      'schemas/tasks.schema.json',
    ]);
    expect(lines[0]).toBe(`${sha256('# Export\n')}  README.md`);
  });

  it('is accepted by the real sha256sum -c', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portage-sums-'));
    try {
      for (const [path, content] of Object.entries(files)) {
        await writeFile(join(dir, path.replaceAll('/', '_')), content);
      }
      const flat = entries.map((e) => ({ ...e, path: e.path.replaceAll('/', '_') }));
      await writeFile(join(dir, 'SHA256SUMS'), sha256sumsText(flat));
      const { stdout } = await promisify(execFile)('sha256sum', ['--strict', '-c', 'SHA256SUMS'], {
        cwd: dir,
      });
      expect(stdout.match(/: OK$/gm)).toHaveLength(entries.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses duplicates, unescapable paths and malformed digests', () => {
    const [first] = entries;
    if (!first) throw new Error('no fixture');
    expect(() => sha256sumsText([first, first])).toThrow(/listed twice/);
    expect(() => sha256sumsText([{ ...first, path: 'a\nb' }])).toThrow(/unescaped/);
    expect(() => sha256sumsText([{ ...first, sha256: 'ABC' }])).toThrow(/no valid sha256/);
  });
});

describe('content_sha256', () => {
  const content = entries.filter((e) => /^(data|schemas|attachments)\//.test(e.path));

  it('is the sha256 of the SHA256SUMS lines of data/, schemas/ and attachments/ only', () => {
    expect(contentSha256(entries)).toBe(sha256(sha256sumsText(content)));
  });

  it('ignores the order of entries and every file outside those folders', () => {
    const reordered = [...entries].reverse().filter((e) => e.path !== 'README.md');
    expect(contentSha256(reordered)).toBe(contentSha256(entries));
    expect(contentSha256([...content, { path: 'manifest.sig', sha256: sha256('x') }])).toBe(
      contentSha256(content),
    );
  });

  it('changes when any content file changes', () => {
    const changed = entries.map((e) =>
      e.path === 'data/tasks.csv' ? { ...e, sha256: sha256('id\r\n2\r\n') } : e,
    );
    expect(contentSha256(changed)).not.toBe(contentSha256(entries));
  });

  it('does not count a folder whose name only starts like one', () => {
    expect(contentSha256([...content, { path: 'database.json', sha256: sha256('x') }])).toBe(
      contentSha256(content),
    );
  });
});
