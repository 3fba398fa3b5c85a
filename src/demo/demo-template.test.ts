import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_TABLES } from './acme-tasks/schema.js';
import { installDemoPlatform, writeDemoTemplate } from './demo-template.js';
import { generateDemoPlatform } from './generator.js';

const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portage-demo-template-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Every row of every demo table, and every file with its digest. */
function contents(file: string, filesDir: string): { rows: unknown[]; files: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = DEMO_TABLES.map((table) =>
      db
        .prepare(`SELECT * FROM ${table.name} ORDER BY ${table.primaryKey.join(', ')}`)
        .raw()
        .all(),
    );
    const files = readdirSync(filesDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
        return `${relative(filesDir, path)} ${digest}`;
      })
      .sort();
    return { rows, files };
  } finally {
    db.close();
  }
}

describe('the demo platform a first start writes', () => {
  it('is copied from the build’s template, with the very rows and files a generation writes', async () => {
    const template = fresh();
    await writeDemoTemplate(template);
    const copied = fresh();
    const how = await installDemoPlatform({
      file: join(copied, 'demo.sqlite'),
      filesDir: join(copied, 'files'),
      templateDir: template,
    });
    const generated = fresh();
    await generateDemoPlatform({
      file: join(generated, 'demo.sqlite'),
      filesDir: join(generated, 'files'),
    });

    expect(how).toBe('copied');
    const expected = contents(join(generated, 'demo.sqlite'), join(generated, 'files'));
    expect(expected.files.length).toBeGreaterThan(0);
    expect(contents(join(copied, 'demo.sqlite'), join(copied, 'files'))).toEqual(expected);
  });

  it('is generated when there is no template', async () => {
    const dir = fresh();
    const how = await installDemoPlatform({
      file: join(dir, 'demo.sqlite'),
      filesDir: join(dir, 'files'),
      templateDir: join(dir, 'no-template'),
    });
    expect(how).toBe('generated');
    expect(contents(join(dir, 'demo.sqlite'), join(dir, 'files')).rows[0]).not.toHaveLength(0);
  });
});
