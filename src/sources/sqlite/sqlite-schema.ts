import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql-text.js';
import type { SchemaDescription } from '../types.js';
import { assembleTables, type KeyColumnRow } from '../schema-description.js';

const WIDEST_DOUBLE_INTEGER = 2n ** 53n - 1n;

/**
 * Every table of a SQLite database, from `PRAGMA table_info` and
 * `foreign_key_list`. SQLite's `INTEGER` columns all hold 64 bits, so each is
 * read once (its minimum and maximum) to say whether it holds values beyond
 * ±(2^53−1) today.
 */
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
    const wide = wideIntegerColumns(db, table, info);
    for (const c of info) {
      // A primary-key column is NOT NULL in effect when it is the rowid (INTEGER PRIMARY KEY).
      const nullable =
        c.notnull === 0 && !(pk.length === 1 && c.pk === 1 && /^INTEGER$/i.test(c.type));
      columns.push(
        wide.has(c.name)
          ? { table, name: c.name, type: c.type, nullable, holdsWideIntegers: true }
          : { table, name: c.name, type: c.type, nullable },
      );
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

/** The columns of `table` with integer affinity whose values reach beyond ±(2^53−1). */
function wideIntegerColumns(
  db: Database.Database,
  table: string,
  info: readonly { name: string; type: string }[],
): Set<string> {
  // SQLite's affinity rule: a declared type containing "INT" has integer affinity.
  const integers = info.filter((c) => /INT/i.test(c.type)).map((c) => c.name);
  if (integers.length === 0) return new Set();
  const bounds = integers.flatMap((c) => [`min(${quoteIdent(c)})`, `max(${quoteIdent(c)})`]);
  const row = db
    .prepare(`SELECT ${bounds.join(', ')} FROM ${quoteIdent(table)}`)
    .raw()
    .safeIntegers()
    .get() as unknown[];
  return new Set(
    integers.filter((_, i) =>
      [row[2 * i], row[2 * i + 1]].some(
        (v) => typeof v === 'bigint' && (v > WIDEST_DOUBLE_INTEGER || v < -WIDEST_DOUBLE_INTEGER),
      ),
    ),
  );
}
