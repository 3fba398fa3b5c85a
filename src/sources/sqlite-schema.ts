import type Database from 'better-sqlite3';
import { quoteIdent } from './sql-text.js';
import type { SchemaDescription } from './types.js';
import { assembleTables, type KeyColumnRow } from './schema-description.js';

/** Every table of a SQLite database, from `PRAGMA table_info` and `foreign_key_list`. */
export function describeSqliteSchema(db: Database.Database): SchemaDescription {
  const names = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  const columns = [];
  const keys: KeyColumnRow[] = [];
  const primaryKeys = new Map<string, string[]>();
  for (const table of names) {
    const info = db.prepare(`PRAGMA table_info(${quoteIdent(table)})`).all() as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    primaryKeys.set(
      table,
      pk.map((c) => c.name),
    );
    for (const c of info) {
      // A primary-key column is NOT NULL in effect when it is the rowid (INTEGER PRIMARY KEY).
      const nullable =
        c.notnull === 0 && !(pk.length === 1 && c.pk === 1 && /^INTEGER$/i.test(c.type));
      columns.push({ table, name: c.name, type: c.type, nullable });
    }
    for (const c of pk) {
      keys.push({
        table,
        constraint: 'pk',
        kind: 'p',
        column: c.name,
        ftable: null,
        fcolumn: null,
      });
    }
  }
  for (const table of names) {
    const fks = db.prepare(`PRAGMA foreign_key_list(${quoteIdent(table)})`).all() as {
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string | null;
    }[];
    for (const fk of fks.sort((a, b) => a.id - b.id || a.seq - b.seq)) {
      // A foreign key naming no column points at the referenced table's primary key.
      const to = fk.to ?? primaryKeys.get(fk.table)?.[fk.seq] ?? null;
      keys.push({
        table,
        constraint: `fk${fk.id}`,
        kind: 'f',
        column: fk.from,
        ftable: fk.table,
        fcolumn: to,
      });
    }
  }
  return { dialect: 'sqlite', tables: assembleTables(columns, keys) };
}
