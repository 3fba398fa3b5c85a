import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCatalogFile,
  type Catalog,
  type FieldType,
  type IncludedCategory,
} from '../../catalog/index.js';
import { generateDemoPlatform } from '../generator.js';
import { tenantScope } from '../../sources/index.js';
import { DEMO_CATALOG_FILE } from './index.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function fits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
    case 'bigint':
      return typeof value === 'number' && Number.isInteger(value);
    case 'decimal':
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);
    case 'boolean':
      return value === 0 || value === 1;
    case 'timestamp':
      return (
        typeof value === 'string' &&
        RFC3339.test(value) &&
        !Number.isNaN(Date.parse(value.replace(' ', 'T')))
      );
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'json':
      try {
        JSON.parse(String(value));
        return typeof value === 'string';
      } catch {
        return false;
      }
    case 'float':
      return typeof value === 'number';
    case 'uuid':
      return typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value);
    case 'bytes':
      return value instanceof Uint8Array;
  }
}

let dir: string;
let db: Database.Database;
let catalog: Catalog;
let included: IncludedCategory[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portage-demo-catalog-'));
  const summary = await generateDemoPlatform({
    file: join(dir, 'demo.sqlite'),
    filesDir: join(dir, 'files'),
  });
  db = new Database(summary.file, { readonly: true });
  catalog = loadCatalogFile(DEMO_CATALOG_FILE);
  included = catalog.categories.filter((c): c is IncludedCategory => c.included);
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function databaseColumns(): Map<string, string[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  return new Map(
    tables.map((t) => [
      t,
      (db.pragma(`table_info(${t})`) as { name: string }[]).map((c) => c.name),
    ]),
  );
}

function rowsOf(category: IncludedCategory, tenant: string): Record<string, unknown>[] {
  const sql = `SELECT t0.* FROM ${tenantScope(category.source)}`;
  return db.prepare(sql).all({ tenant }) as Record<string, unknown>[];
}

describe('catalog/acme-tasks.yaml', () => {
  it('loads, with the categories the product contract names', () => {
    expect(catalog.categories.map((c) => [c.name, c.included])).toEqual([
      ['account', true],
      ['users', true],
      ['projects', true],
      ['labels', true],
      ['tasks', true],
      ['comments', true],
      ['attachments', true],
      ['task_labels', true],
      ['webhooks', true],
      ['webhook_deliveries', true],
      ['audit_events', true],
      ['invoices', true],
      ['payment_methods', true],
      ['settings', true],
      ['api_keys', false],
      ['sessions', false],
      ['search_index', false],
      ['project_stats', false],
    ]);
    const excludedFields = included.flatMap((c) =>
      c.excludedFields.map((f) => `${c.name}.${f.name}`),
    );
    expect(excludedFields).toEqual(['users.password_hash', 'webhooks.signing_secret']);
    expect(included.find((c) => c.name === 'attachments')?.files).toEqual({
      pathField: 'storage_key',
      folder: '{tenant}/attachments',
    });
  });

  it('declares every table and every column of the generated database', () => {
    const declared = new Map<string, Set<string>>();
    const declare = (table: string, columns: readonly string[]): void => {
      const set = declared.get(table) ?? new Set<string>();
      columns.forEach((c) => set.add(c));
      declared.set(table, set);
    };
    const wholeTables = new Set<string>();
    for (const category of catalog.categories) {
      if (!category.included) {
        category.tables.forEach((t) => wholeTables.add(t));
        continue;
      }
      const { source } = category;
      declare(source.table, [
        ...(source.kind === 'table' && source.through.length === 0 ? [source.tenantColumn] : []),
        ...category.fields.map((f) => f.name),
        ...category.excludedFields.map((f) => f.name),
      ]);
    }

    const undeclared: string[] = [];
    for (const [table, columns] of databaseColumns()) {
      if (wholeTables.has(table)) continue;
      const known = declared.get(table);
      if (!known) undeclared.push(table);
      else undeclared.push(...columns.filter((c) => !known.has(c)).map((c) => `${table}.${c}`));
    }
    expect(undeclared).toEqual([]);

    const phantom: string[] = [];
    const columns = databaseColumns();
    for (const [table, names] of declared) {
      const actual = columns.get(table);
      if (!actual) phantom.push(table);
      else
        phantom.push(...[...names].filter((n) => !actual.includes(n)).map((n) => `${table}.${n}`));
    }
    expect(phantom).toEqual([]);
  });

  it('agrees with the schema on each column storage and nullability', () => {
    const disagreements: string[] = [];
    for (const category of included) {
      const source = category.source;
      const table = source.table;
      const info = new Map(
        (
          db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number }[]
        ).map((c) => [c.name, c]),
      );
      for (const field of category.fields) {
        const column = info.get(field.name);
        const storage = ['integer', 'bigint', 'boolean'].includes(field.type) ? 'INTEGER' : 'TEXT';
        if (column?.type !== storage || (column.notnull === 0) !== field.nullable) {
          disagreements.push(`${table}.${field.name}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('describes every value: type and nullability hold for every row of every tenant', () => {
    const mismatches: string[] = [];
    for (const category of included) {
      for (const tenant of ['acme', 'globex', 'initech']) {
        const rows = rowsOf(category, tenant);
        expect([category.name, tenant, rows.length > 0]).toEqual([category.name, tenant, true]);
        for (const field of category.fields) {
          const bad = rows.find((row) => {
            const value = row[field.name];
            return value === null ? !field.nullable : !fits(field.type, value);
          });
          if (bad)
            mismatches.push(`${category.name}.${field.name} = ${JSON.stringify(bad[field.name])}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('selects one tenant only, and nothing for the empty sandbox account', () => {
    for (const category of included) {
      const rows = rowsOf(category, 'sandbox');
      expect([category.name, rows.length]).toEqual([
        category.name,
        category.name === 'account' ? 1 : 0,
      ]);
      const acme = rowsOf(category, 'acme');
      if ('tenant_id' in (acme[0] ?? {})) {
        expect(acme.every((r) => r.tenant_id === 'acme')).toBe(true);
      }
    }
  });

  it('has primary keys that identify each row', () => {
    for (const category of included) {
      const rows = rowsOf(category, 'acme');
      const keys = new Set(rows.map((r) => category.primaryKey.map((k) => String(r[k])).join('|')));
      expect([category.name, keys.size]).toEqual([category.name, rows.length]);
    }
  });

  it('references point at rows of the referenced category', () => {
    const byName = new Map(included.map((c) => [c.name, c]));
    for (const category of included) {
      const rows = rowsOf(category, 'acme');
      for (const ref of category.references) {
        const target = byName.get(ref.category);
        expect(target?.primaryKey).toHaveLength(1);
        const key = target?.primaryKey[0] ?? '';
        const field = ref.fields[0] ?? '';
        const ids = new Set(rowsOf(target as IncludedCategory, 'acme').map((r) => r[key]));
        const dangling = rows.filter((r) => r[field] !== null && !ids.has(r[field]));
        expect([`${category.name}.${field}`, dangling.length]).toEqual([
          `${category.name}.${field}`,
          0,
        ]);
      }
    }
  });
});
