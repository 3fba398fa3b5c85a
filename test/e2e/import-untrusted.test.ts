import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { importBundle, SqliteWriter, type ImportOptions } from '../../src/import/index.js';
import {
  catalog,
  databaseDigest,
  demoCopy,
  editBundle,
  exportBundle,
  type TestPlatform,
} from './import-fixtures.js';

let demo: TestPlatform;

beforeAll(async () => {
  demo = await demoCopy();
});

async function importAs(tenant: string, file: string, options: Partial<ImportOptions> = {}) {
  const target = new SqliteWriter(demo.db);
  try {
    return await importBundle({
      file,
      catalog,
      target,
      tenant,
      filesDir: demo.filesDir,
      ...options,
    });
  } finally {
    await target.close();
  }
}

const account = (tenant: string) => {
  const db = new Database(demo.db, { readonly: true });
  try {
    return db.prepare('SELECT * FROM accounts WHERE id = ?').get(tenant) as Record<string, unknown>;
  } finally {
    db.close();
  }
};

/** A bundle of `categories` of acme whose records `forge` rewrote, with checksums rebuilt to match. */
async function forged(
  categories: string[],
  forge: (category: string, record: Record<string, unknown>) => Record<string, unknown>,
): Promise<string> {
  const { file } = await exportBundle(demo, 'acme', 'duplication', ['bundle'], catalog, categories);
  return editBundle(
    file,
    (path, bytes) => {
      const category = /^data\/(.+)\.jsonl$/.exec(path)?.[1];
      if (category === undefined) return bytes;
      const lines = bytes.toString('utf8').split('\n').filter(Boolean);
      const records = lines.map((line) =>
        forge(category, JSON.parse(line) as Record<string, unknown>),
      );
      return Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join(''));
    },
    true,
  );
}

describe('a forged bundle cannot write what only the platform decides', () => {
  it("keeps the account's plan, billing email and creation date, and writes its name", async () => {
    const before = account('acme');
    const file = await forged(['account'], (_c, record) => ({
      ...record,
      name: 'Acme Renamed',
      plan: 'enterprise',
      billing_email: 'attacker@evil.example',
      created_at: '2001-01-01T00:00:00.000Z',
    }));
    const result = await importAs('acme', file, { mode: 'preserve' });
    expect(result).toMatchObject({ status: 'completed', trusted: false, error: null });
    expect(account('acme')).toEqual({ ...before, name: 'Acme Renamed' });
  });

  it('refuses payment methods and backdated audit events (untrusted_bundle), writing nothing', async () => {
    const before = databaseDigest(demo.db);
    const card = await forged(['users', 'payment_methods'], (category, record) =>
      category === 'payment_methods'
        ? { ...record, processor_customer_id: 'cus_someone_else' }
        : record,
    );
    const cards = await importAs('sandbox', card, { mode: 'remap' });
    expect(cards.error?.code).toBe('untrusted_bundle');
    expect(cards.error?.message).toContain('"payment_methods"');
    const history = await forged(['users', 'audit_events'], (category, record) =>
      category === 'audit_events' ? { ...record, occurred_at: '1999-12-31T23:59:59.000Z' } : record,
    );
    const events = await importAs('sandbox', history, { mode: 'remap' });
    expect(events.error?.code).toBe('untrusted_bundle');
    expect(events.error?.message).toContain('"audit_events"');
    expect(databaseDigest(demo.db)).toBe(before);
  });

  it('writes the same forged account when the import is trusted (the operator vouches for it)', async () => {
    const file = await forged(['account'], (_c, record) => ({ ...record, plan: 'enterprise' }));
    const result = await importAs('initech', file, { mode: 'preserve', trusted: true });
    expect(result).toMatchObject({ status: 'completed', trusted: true, error: null });
    expect(account('initech').plan).toBe('enterprise');
  });
});
