import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CategoryRead, RawValue } from '../types.js';
import { SqliteSource } from './sqlite-source.js';

const NOT_UTF8 = Buffer.from([0xc3, 0x28, 0xed]);

describe('reading text from SQLite', () => {
  let dir: string;
  let source: SqliteSource;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-sqlite-source-'));
    const file = join(dir, 'platform.sqlite');
    const db = new Database(file);
    db.exec(
      'CREATE TABLE notes (tenant_id TEXT NOT NULL, id INTEGER NOT NULL, body TEXT, PRIMARY KEY (tenant_id, id))',
    );
    const insert = db.prepare('INSERT INTO notes VALUES (?, ?, ?)');
    db.transaction(() => {
      // Past two batches of good text, then bytes that are not UTF-8, a real
      // U+FFFD, and more good text; another tenant's bad bytes first of all.
      insert.run('other', 1, 'x');
      db.prepare(`INSERT INTO notes VALUES ('other', 2, CAST(? AS TEXT))`).run(NOT_UTF8);
      for (let id = 1; id <= 2500; id++) insert.run('acme', id, `note ${id} é`);
      db.prepare(`INSERT INTO notes VALUES ('acme', 2501, CAST(? AS TEXT))`).run(NOT_UTF8);
      insert.run('acme', 2502, 'a real \uFFFD stays text');
      for (let id = 2503; id <= 2600; id++) insert.run('acme', id, `note ${id}`);
    })();
    db.close();
    source = new SqliteSource(file);
  });
  afterAll(async () => {
    await source.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function readAll(
    read: Omit<CategoryRead, 'tenant'>,
    tenant = 'acme',
  ): Promise<RawValue[][]> {
    return source.withSnapshot(async (snapshot) => {
      const rows: RawValue[][] = [];
      for await (const batch of snapshot.batches({ ...read, tenant }))
        rows.push(...batch.map((r) => [...r]));
      return rows;
    });
  }

  const notes = {
    source: { kind: 'table', table: 'notes', through: [], tenantColumn: 'tenant_id' },
    columns: ['id', 'body'],
  } as const;

  it('gives every row once, in order, with bytes that are not UTF-8 as those bytes', async () => {
    const rows = await readAll({ ...notes, orderBy: ['id'] });
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 2600 }, (_, i) => i + 1));
    expect(rows[0]![1]).toBe('note 1 é');
    expect(rows[2499]![1]).toBe('note 2500 é');
    expect(rows[2500]![1]).toEqual(NOT_UTF8);
    expect(rows[2501]![1]).toBe('a real \uFFFD stays text');
    expect(rows[2599]![1]).toBe('note 2600');
  });

  it('reads exactly from the start when there is no order to resume in', async () => {
    const rows = await readAll({ ...notes, orderBy: [] }, 'other');
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => Number(r[0]) === 2)![1]).toEqual(NOT_UTF8);
  });
});
