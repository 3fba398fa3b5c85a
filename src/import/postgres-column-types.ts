import type { ImportColumn } from './platform-writer.js';
import type { PostgresValue } from './postgres-values.js';

/** Runs one query with positional parameters, rows as arrays. */
type Query = (sql: string, params: PostgresValue[]) => Promise<{ rows: unknown[] }>;

/**
 * The type of each column of the target's tables, read once per table from
 * the database's own catalog: the cast that makes a text parameter the
 * column's value. The type modifier is left out (`character varying`, not
 * `character varying(20)`), so a value that does not fit is refused when
 * stored instead of being cut by the cast.
 */
export class PostgresColumnTypes {
  private readonly tables = new Map<string, Map<string, string>>();

  /**
   * @param query - Runs a query in the import's transaction.
   * @param qualify - The quoted (and schema-qualified) name of a table.
   */
  constructor(
    private readonly query: Query,
    private readonly qualify: (table: string) => string,
  ) {}

  /** `::type` for each column of `table` (empty for a column the table lacks: the database decides). */
  async casts(table: string, columns: readonly ImportColumn[]): Promise<string[]> {
    const types = await this.of(table);
    return columns.map((c) => {
      const type = types.get(c.name);
      return type === undefined ? '' : `::${type}`;
    });
  }

  private async of(table: string): Promise<Map<string, string>> {
    let types = this.tables.get(table);
    if (types === undefined) {
      const result = await this.query(
        `SELECT a.attname::text, format_type(a.atttypid, NULL)
           FROM pg_attribute a
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
        [this.qualify(table)],
      );
      types = new Map((result.rows as [string, string][]).map(([name, type]) => [name, type]));
      this.tables.set(table, types);
    }
    return types;
  }
}
