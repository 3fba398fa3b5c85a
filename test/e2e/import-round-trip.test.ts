import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/catalog/index.js';
import { DEMO_PLATFORMS } from '../../src/demo/index.js';
import { importBundle, SqliteWriter } from '../../src/import/index.js';
import { emptyPlatform, demoCopy, exportBundle } from './import-fixtures.js';

for (const platform of DEMO_PLATFORMS) {
  const catalog = loadCatalogFile(platform.catalogFile);
  const tenant = platform.tenants[0]!.id;

  describe(`import preserve round trip: ${platform.title}`, () => {
    it(`exports ${platform.tenants[0]!.name}, imports it into a fresh platform, and exports the same content_sha256`, async () => {
      const demo = await demoCopy(platform);
      const first = await exportBundle(demo, tenant, 'duplication', ['bundle'], catalog);
      const fresh = await emptyPlatform(platform);
      const target = new SqliteWriter(fresh.db);
      try {
        const result = await importBundle({
          file: first.file,
          catalog,
          trusted: true,
          target,
          tenant,
          mode: 'preserve',
          filesDir: fresh.filesDir,
        });
        expect(result.error).toBeNull();
        expect(result.status).toBe('completed');
        for (const category of first.manifest.categories) {
          if (category.included) {
            expect(result.counts[category.name], category.name).toBe(category.rows);
          }
        }
      } finally {
        await target.close();
      }
      const second = await exportBundle(fresh, tenant, 'duplication', ['bundle'], catalog);
      expect(second.manifest.content_sha256).toBe(first.manifest.content_sha256);
    });
  });
}
