import type { MysqlValue } from './mysql-values.js';

/** Runs one query with `?` parameters, rows as arrays. */
type Query = (sql: string, params: MysqlValue[]) => Promise<unknown[][]>;

/** What the import needs to know of one column of the target database. */
export interface MysqlColumnType {
  /** `DATA_TYPE` of `information_schema.COLUMNS`, lowercase: `binary`, `set`, `datetime`… */
  readonly dataType: string;
  /** `COLUMN_TYPE`, lowercase: `binary(16)`, `tinyint(1)`, `set('a','b')`… */
  readonly columnType: string;
  /** The column takes its values from the table's `AUTO_INCREMENT` counter. */
  readonly autoIncrement: boolean;
}

/**
 * The type of each column of the target's tables, read once per table from
 * `information_schema.COLUMNS` of the connection's database: how a value is
 * stored depends on it (a `uuid` field in a `BINARY(16)` column is its 16
 * bytes, in a `CHAR(36)` its text; a `json` field in a `SET` column is its
 * members joined by commas).
 */
export class MysqlColumnTypes {
  private readonly tables = new Map<string, Map<string, MysqlColumnType>>();

  /** @param query - Runs a query in the import's transaction. */
  constructor(private readonly query: Query) {}

  /** The type of each of `columns` of `table` (`undefined` for one the table lacks: the database decides). */
  async of(
    table: string,
    columns: readonly { name: string }[],
  ): Promise<(MysqlColumnType | undefined)[]> {
    const types = await this.table(table);
    return columns.map((c) => types.get(c.name));
  }

  /** The type of one column. */
  async column(table: string, column: string): Promise<MysqlColumnType | undefined> {
    return (await this.table(table)).get(column);
  }

  private async table(table: string): Promise<Map<string, MysqlColumnType>> {
    let types = this.tables.get(table);
    if (types === undefined) {
      const rows = await this.query(
        `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, EXTRA
           FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
        [table],
      );
      types = new Map(
        rows.map(([name, dataType, columnType, extra]) => [
          String(name),
          {
            dataType: String(dataType).toLowerCase(),
            columnType: String(columnType).toLowerCase(),
            autoIncrement: String(extra).toLowerCase().includes('auto_increment'),
          },
        ]),
      );
      this.tables.set(table, types);
    }
    return types;
  }
}
