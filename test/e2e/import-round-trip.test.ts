import { describe, expect, it } from 'vitest';
import { importBundle, SqliteWriter } from '../../src/import/index.js';
import { catalog, emptyPlatform, demoCopy, exportBundle } from './import-fixtures.js';

describe('import preserve round trip', () => {
  it('exports acme, imports it into a fresh platform, and exports the same content_sha256', async () => {
    const demo = await demoCopy();
    const first = await exportBundle(demo, 'acme');
    const fresh = await emptyPlatform();
    const target = new SqliteWriter(fresh.db);
    try {
      const result = await importBundle({
        file: first.file,
        catalog,
        trusted: true,
        target,
        tenant: 'acme',
        mode: 'preserve',
        filesDir: fresh.filesDir,
      });
      expect(result.error).toBeNull();
      expect(result.status).toBe('completed');
      for (const category of first.manifest.categories) {
        if (category.included) expect(result.counts[category.name]).toBe(category.rows);
      }
    } finally {
      await target.close();
    }
    const second = await exportBundle(fresh, 'acme');
    expect(second.manifest.content_sha256).toBe(first.manifest.content_sha256);
  });
});
