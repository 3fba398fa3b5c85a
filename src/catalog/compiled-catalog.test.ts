import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog-loader.js';
import { readCompiledCatalog, writeCompiledCatalog } from './compiled-catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'portage-compiled-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shipped = join(import.meta.dirname, '../../catalog');

describe('a catalog the build already read', () => {
  for (const name of readdirSync(shipped).filter((n) => n.endsWith('.yaml'))) {
    it(`is the very catalog its YAML gives: ${name}`, () => {
      const file = join(shipped, name);
      const text = readFileSync(file, 'utf8');
      const parsed = parseCatalog(file, text);
      writeCompiledCatalog(text, parsed, dir);
      const moved = join('/elsewhere', name);
      expect(readCompiledCatalog(moved, text, dir)).toStrictEqual({ ...parsed, file: moved });
    });
  }

  it('is not used once its YAML changes by a byte', () => {
    const file = join(shipped, 'acme-tasks.yaml');
    const text = readFileSync(file, 'utf8');
    writeCompiledCatalog(text, parseCatalog(file, text), dir);
    expect(readCompiledCatalog(file, `${text} `, dir)).toBeNull();
  });
});
