import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile, type IncludedCategory } from '../../src/catalog/index.js';
import { DEMO_PLATFORMS } from '../../src/demo/index.js';
import { quoteIdent, tenantScope } from '../../src/sources/index.js';
import { importBundle, SqliteWriter } from '../../src/import/index.js';
import { catalog, demoCopy, exportBundle, readZip } from './import-fixtures.js';

const included = catalog.categories.filter((c): c is IncludedCategory => c.included);

/** Every timestamp of every category but the account (left alone by remap), sorted, per `<category>.<field>`. */
async function timestampsOf(file: string): Promise<Record<string, string[]>> {
  const entries = await readZip(file);
  const out: Record<string, string[]> = {};
  for (const category of included) {
    if (category.name === 'account') continue;
    const stamps = category.fields.filter((f) => f.type === 'timestamp');
    const text = entries.get(`data/${category.name}.jsonl`)?.toString('utf8') ?? '';
    for (const line of text.split('\n').filter(Boolean)) {
      const record = JSON.parse(line) as Record<string, unknown>;
      for (const f of stamps)
        (out[`${category.name}.${f.name}`] ??= []).push(String(record[f.name]));
    }
  }
  for (const values of Object.values(out)) values.sort();
  return out;
}

describe('import remap into another tenant of the same platform', () => {
  it('copies acme into sandbox with new ids, references inside sandbox and the same timestamps', async () => {
    const demo = await demoCopy();
    const acme = await exportBundle(demo, 'acme');
    const target = new SqliteWriter(demo.db);
    const result = await importBundle({
      file: acme.file,
      catalog,
      trusted: true,
      target,
      tenant: 'sandbox',
      mode: 'remap',
      filesDir: demo.filesDir,
    }).finally(() => target.close());
    expect(result.error).toBeNull();
    expect(result.counts.account).toBe(0);

    const sandbox = await exportBundle(demo, 'sandbox');
    for (const category of acme.manifest.categories) {
      if (!category.included) continue;
      const copy = sandbox.manifest.categories.find((c) => c.name === category.name);
      expect(copy && 'rows' in copy ? copy.rows : null, category.name).toBe(category.rows);
    }

    const db = new Database(demo.db, { readonly: true });
    try {
      for (const category of included) {
        if (category.source.kind !== 'table' || category.source.through.length > 0) continue;
        const { table, tenantColumn } = category.source;
        for (const reference of category.references) {
          const parent = included.find((c) => c.name === reference.category)!;
          if (parent.source.kind !== 'table' || parent.source.through.length > 0) continue;
          const stray = db
            .prepare(
              `SELECT count(*) FROM ${table} c WHERE c.${tenantColumn} = 'sandbox'
               AND c.${reference.fields[0]!} IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM ${parent.source.table} p
                 WHERE p.id = c.${reference.fields[0]!} AND p.${parent.source.tenantColumn} = 'sandbox')`,
            )
            .pluck()
            .get();
          expect(stray, `${category.name}.${reference.fields[0]!}`).toBe(0);
        }
      }
      const strayLabels = db
        .prepare(
          `SELECT count(*) FROM task_labels tl JOIN tasks t ON t.id = tl.task_id
           WHERE t.tenant_id = 'sandbox' AND (
             NOT EXISTS (SELECT 1 FROM labels l WHERE l.id = tl.label_id AND l.tenant_id = 'sandbox')
             OR (tl.added_by IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM users u WHERE u.id = tl.added_by AND u.tenant_id = 'sandbox')))`,
        )
        .pluck()
        .get();
      expect(strayLabels).toBe(0);
      const overlap = db
        .prepare(
          `SELECT count(*) FROM users s JOIN users a ON a.id = s.id
           WHERE s.tenant_id = 'sandbox' AND a.tenant_id = 'acme'`,
        )
        .pluck()
        .get();
      expect(overlap).toBe(0);
    } finally {
      db.close();
    }

    expect(await timestampsOf(sandbox.file)).toEqual(await timestampsOf(acme.file));
  });
});

/** Rows of `category` for `:tenant`, as a subquery aliased by the caller. */
function scoped(category: IncludedCategory): string {
  return `(SELECT t0.* FROM ${tenantScope(category.source)})`;
}

for (const platform of DEMO_PLATFORMS) {
  const platformCatalog = loadCatalogFile(platform.catalogFile);
  const categories = platformCatalog.categories.filter((c): c is IncludedCategory => c.included);
  const source = platform.tenants[0]!.id;
  const target = platform.emptyTenant;

  describe(`import remap into the empty tenant of ${platform.title}`, () => {
    it('copies the largest tenant with equal counts, every reference inside the target and no key reused', async () => {
      const demo = await demoCopy(platform);
      const original = await exportBundle(demo, source, 'duplication', ['bundle'], platformCatalog);
      const writer = new SqliteWriter(demo.db);
      const result = await importBundle({
        file: original.file,
        catalog: platformCatalog,
        trusted: true,
        target: writer,
        tenant: target,
        mode: 'remap',
        filesDir: demo.filesDir,
      }).finally(() => writer.close());
      expect(result.error).toBeNull();

      const copy = await exportBundle(demo, target, 'duplication', ['bundle'], platformCatalog);
      for (const category of original.manifest.categories) {
        if (!category.included || category.name === platformCatalog.account.name) continue;
        const copied = copy.manifest.categories.find((c) => c.name === category.name);
        expect(copied && 'rows' in copied ? copied.rows : null, category.name).toBe(category.rows);
      }

      const db = new Database(demo.db, { readonly: true });
      try {
        for (const category of categories) {
          for (const reference of category.references) {
            const parent = categories.find((c) => c.name === reference.category)!;
            const matches = reference.fields
              .map((field, k) => `p.${quoteIdent(parent.primaryKey[k]!)} = c.${quoteIdent(field)}`)
              .join(' AND ');
            const set = reference.fields.map((f) => `c.${quoteIdent(f)} IS NOT NULL`).join(' AND ');
            const stray = db
              .prepare(
                `SELECT count(*) FROM ${scoped(category)} c WHERE ${set}
                 AND NOT EXISTS (SELECT 1 FROM ${scoped(parent)} p WHERE ${matches})`,
              )
              .pluck()
              .get({ tenant: target });
            expect(stray, `${category.name}.${reference.fields.join('+')}`).toBe(0);
          }
          const fresh = category.fields.filter(
            (f) =>
              category.primaryKey.includes(f.name) &&
              f.newKey !== null &&
              f.newKey.kind !== 'tenant' &&
              f.newKey.kind !== 'keep',
          );
          for (const field of fresh) {
            const reused = db
              .prepare(
                `SELECT count(*) FROM ${scoped(category)} c WHERE c.${quoteIdent(field.name)} IN (
                   SELECT t0.${quoteIdent(field.name)} FROM ${tenantScope(category.source).replaceAll(':tenant', ':source')})`,
              )
              .pluck()
              .get({ tenant: target, source });
            expect(reused, `${category.name}.${field.name} reused`).toBe(0);
          }
        }
      } finally {
        db.close();
      }
    });
  });
}
