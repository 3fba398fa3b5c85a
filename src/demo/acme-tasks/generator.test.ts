import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoPlatform, type DemoSummary } from '../generator.js';
import { DEMO_TABLES } from './schema.js';
import { DEMO_TENANTS } from './tenants.js';

const dirs: string[] = [];

async function generate(scale = 1): Promise<{ dir: string; summary: DemoSummary }> {
  const dir = mkdtempSync(join(tmpdir(), 'portage-demo-'));
  dirs.push(dir);
  const summary = await generateDemoPlatform({
    file: join(dir, 'demo.sqlite'),
    filesDir: join(dir, 'files'),
    scale,
  });
  return { dir, summary };
}

function tableDigests(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, string> = {};
    for (const table of DEMO_TABLES) {
      const hash = createHash('sha256');
      const rows = db
        .prepare(`SELECT * FROM ${table.name} ORDER BY ${table.primaryKey.join(', ')}`)
        .raw()
        .iterate() as IterableIterator<unknown[]>;
      for (const row of rows) hash.update(JSON.stringify(row) + '\n');
      out[table.name] = hash.digest('hex');
    }
    return out;
  } finally {
    db.close();
  }
}

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

let first: { dir: string; summary: DemoSummary };
let db: Database.Database;

beforeAll(async () => {
  first = await generate();
  db = new Database(first.summary.file, { readonly: true });
});

afterAll(() => {
  db?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const all = <T>(sql: string, ...params: unknown[]): T[] => db.prepare(sql).all(...params) as T[];
const one = <T>(sql: string, ...params: unknown[]): T => db.prepare(sql).get(...params) as T;

describe('generateDemoPlatform', () => {
  it('writes the same rows and files on every run', async () => {
    const second = await generate();
    expect(tableDigests(second.summary.file)).toEqual(tableDigests(first.summary.file));
    expect(filesUnder(second.summary.filesDir)).toEqual(filesUnder(first.summary.filesDir));
    expect(second.summary.counts).toEqual(first.summary.counts);
  });

  it('sizes the data by scale, acme being the largest tenant', async () => {
    const { summary } = await generate(2);
    expect(first.summary.counts.acme?.tasks).toBe(2000);
    expect(summary.counts.acme?.tasks).toBe(4000);
    expect(summary.counts.globex?.tasks).toBe(1000);
    expect(summary.counts.acme?.attachments).toBe(first.summary.counts.acme?.attachments);
  });

  it('rejects a scale that is not a positive number', async () => {
    await expect(generate(0)).rejects.toThrow(/scale/);
  });

  it('reports per-tenant row counts that match the database', () => {
    for (const tenant of DEMO_TENANTS) {
      const counts = first.summary.counts[tenant.id];
      expect(counts).toBeDefined();
      const tasks = one<{ n: number }>(
        'SELECT count(*) AS n FROM tasks WHERE tenant_id = ?',
        tenant.id,
      );
      expect(counts?.tasks).toBe(tasks.n);
    }
  });

  it('leaves the sandbox account empty but for its accounts row', () => {
    const sandbox = first.summary.counts.sandbox ?? {};
    for (const table of DEMO_TABLES) {
      expect([table.name, sandbox[table.name]]).toEqual([
        table.name,
        table.name === 'accounts' ? 1 : 0,
      ]);
      if (table.tenantColumn === null || table.name === 'accounts') continue;
      const row = one<{ n: number }>(
        `SELECT count(*) AS n FROM ${table.name} WHERE ${table.tenantColumn} = 'sandbox'`,
      );
      expect(row.n).toBe(0);
    }
  });

  it('keeps every foreign key and every cross-tenant reference consistent', () => {
    expect(all('PRAGMA foreign_key_check')).toEqual([]);
    const crossTenant = one<{ n: number }>(
      `SELECT count(*) AS n FROM tasks t
       JOIN projects p ON p.id = t.project_id
       LEFT JOIN users a ON a.id = t.assignee_id
       WHERE p.tenant_id <> t.tenant_id OR a.tenant_id <> t.tenant_id`,
    );
    expect(crossTenant.n).toBe(0);
  });

  it('writes attachment files whose size and sha256 match their rows', () => {
    const rows = all<{ storage_key: string; byte_size: number; sha256: string }>(
      'SELECT storage_key, byte_size, sha256 FROM attachments ORDER BY id',
    );
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.some((r) => r.byte_size === 0)).toBe(true);
    for (const row of rows) {
      const bytes = readFileSync(join(first.summary.filesDir, ...row.storage_key.split('/')));
      expect(bytes.length).toBe(row.byte_size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);
    }
  });
});

describe('the hard cases', () => {
  const texts = (): string[] =>
    all<{ t: string }>(
      `SELECT title AS t FROM tasks WHERE tenant_id = 'acme'
       UNION ALL SELECT body FROM comments WHERE tenant_id = 'acme'`,
    ).map((r) => r.t);

  it.each([
    ['accents', /é/],
    ['CJK', /日本語/],
    ['emoji with ZWJ sequences', /👩🏽‍💻/u],
    ['right-to-left script', /[\u0590-\u05ff\u0600-\u06ff]/],
    ['combining marks', /e\u0301/],
    ['astral-plane letters', /𝔘/u],
    ['commas and double quotes', /^[^\n]*,[^\n]*"/],
    ['CRLF inside text', /\r\n/],
    ['a lone CR', /\r(?!\n)/],
    ['a leading =', /^=/],
    ['a leading +', /^\+/],
    ['a leading -', /^-/],
    ['a leading @', /^@/],
    ['a leading tab', /^\t/],
  ])('include %s', (_name, pattern) => {
    expect(texts().some((t) => pattern.test(t))).toBe(true);
  });

  it('include an empty string beside NULL in the same nullable column', () => {
    const row = one<{ empty: number; nulls: number }>(
      `SELECT sum(description = '') AS empty, sum(description IS NULL) AS nulls FROM tasks`,
    );
    expect(row.empty).toBeGreaterThan(0);
    expect(row.nulls).toBeGreaterThan(0);
  });

  it('include nested JSON with unsorted and integer-like keys', () => {
    const fields = all<{ j: string }>('SELECT custom_fields AS j FROM tasks').map((r) => r.j);
    const hard = fields.find((f) => f.includes('"zeta"'));
    expect(hard).toBeDefined();
    expect(hard?.indexOf('"10"')).toBeLessThan(hard?.indexOf('"2"') ?? -1);
    const parsed = JSON.parse(hard ?? '{}') as { alpha: { nested: { b: unknown[] }[] } };
    expect(parsed.alpha.nested[0]?.b[2]).toEqual({ '10': true, '2': false });
    const settings = all<{ value: string }>("SELECT value FROM settings WHERE key = 'legacy_flag'");
    expect(settings.map((s) => s.value)).toContain('null');
  });

  it('include a comment of at least 100 KB', () => {
    const row = one<{ n: number }>('SELECT max(length(CAST(body AS BLOB))) AS n FROM comments');
    expect(row.n).toBeGreaterThanOrEqual(100_000);
  });

  it('include timestamps with different offsets and forms', () => {
    const stamps = all<{ t: string }>('SELECT created_at AS t FROM tasks').map((r) => r.t);
    const zones = new Set(stamps.map((t) => /(Z|[+-]\d\d:\d\d)$/.exec(t)?.[1]));
    expect(zones.size).toBeGreaterThanOrEqual(8);
    expect(zones.has(undefined)).toBe(false);
    expect(stamps.some((t) => t.includes(' '))).toBe(true);
    expect(stamps.some((t) => /\.\d{3}[+-]/.test(t))).toBe(true);
  });

  it('include deleted-but-retained rows', () => {
    for (const table of ['users', 'projects', 'tasks', 'comments']) {
      const row = one<{ n: number }>(
        `SELECT count(*) AS n FROM ${table} WHERE deleted_at IS NOT NULL`,
      );
      expect([table, row.n > 0]).toEqual([table, true]);
    }
  });

  it('include an invoice amount beyond 2^31', () => {
    const row = one<{ n: number }>('SELECT max(total_cents) AS n FROM invoices');
    expect(row.n).toBeGreaterThan(2 ** 31);
    const credit = one<{ n: number }>('SELECT min(total_cents) AS n FROM invoices');
    expect(credit.n).toBeLessThan(0);
  });
});
