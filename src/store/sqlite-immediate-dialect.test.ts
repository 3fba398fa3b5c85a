import Database from 'better-sqlite3';
import { Kysely, sql } from './kysely.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';

interface Tables {
  notes: { id: number; body: string; tag?: string | null };
}

describe('the state database on SQLite keeps its prepared statements', () => {
  let db: Kysely<Tables> | null = null;
  afterEach(async () => {
    await db?.destroy();
    db = null;
  });

  /** A database whose `prepare` calls are counted. */
  const counted = () => {
    const sqlite = new Database(':memory:');
    const prepare = sqlite.prepare.bind(sqlite);
    const seen = { prepares: 0 };
    sqlite.prepare = (text: string) => {
      seen.prepares++;
      return prepare(text);
    };
    db = new Kysely<Tables>({ dialect: new SqliteImmediateDialect(sqlite) });
    return { db, seen };
  };

  it('prepares a query once however often it runs', async () => {
    const { db, seen } = counted();
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    const before = seen.prepares;
    for (let id = 1; id <= 5; id++)
      await db
        .insertInto('notes')
        .values({ id, body: `n${id}` })
        .execute();
    for (let id = 1; id <= 5; id++)
      expect(
        await db.selectFrom('notes').select('body').where('id', '=', id).executeTakeFirst(),
      ).toEqual({
        body: `n${id}`,
      });
    expect(seen.prepares - before).toBe(2);
  });

  it('reads a column added after the statement was kept', async () => {
    const { db } = counted();
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    await db.insertInto('notes').values({ id: 1, body: 'a' }).execute();
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([{ id: 1, body: 'a' }]);
    await sql`alter table notes add column tag text`.execute(db);
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([
      { id: 1, body: 'a', tag: null },
    ]);
  });

  it('keeps at most 256 statements, dropping the least recently used', async () => {
    const { db, seen } = counted();
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    const query = (n: number) => sql.raw(`select ${n} as n from notes`).execute(db);
    await query(0);
    for (let n = 1; n <= 300; n++) await query(n);
    const before = seen.prepares;
    await query(300);
    expect(seen.prepares).toBe(before);
    await query(0);
    expect(seen.prepares).toBe(before + 1);
  });
});
