import type { Database, Statement } from 'better-sqlite3';
import { Prng } from './prng.js';
import { demoTable } from './schema.js';
import { interleave, type TenantProfile } from './tenants.js';
import { formatTimestamp } from './timestamps.js';

/** A row to insert: one value per column of the table, by column name. */
export type SeedRow = Record<string, string | number | null>;

/** What the generator knows about one tenant while it fills the tables. */
export interface TenantState {
  readonly profile: TenantProfile;
  readonly rng: Prng;
  readonly userIds: number[];
  readonly projectIds: number[];
  readonly labelIds: number[];
  /** Next task number in each project, by project position. */
  readonly projectNumbers: number[];
  /** Last task created in each project, by project position (0: none). */
  readonly projectLastTask: number[];
}

/**
 * Shared state of one generation run: the database, the prepared inserts, the
 * next id of each table (ids are global across tenants) and the timestamp
 * format rotation.
 */
export class SeedContext {
  private readonly inserts = new Map<string, { columns: string[]; statement: Statement }>();
  private readonly nextIds = new Map<string, number>();
  private stamps = 0;
  readonly tenants: TenantState[];

  constructor(
    readonly db: Database,
    profiles: readonly TenantProfile[],
    readonly filesDir: string,
    readonly progress: (message: string) => void,
  ) {
    this.tenants = profiles.map((profile) => ({
      profile,
      rng: new Prng(Prng.seedOf(`acme-tasks/${profile.tenant.id}`)),
      userIds: [],
      projectIds: [],
      labelIds: [],
      projectNumbers: [],
      projectLastTask: [],
    }));
  }

  /** The next id of `table`, starting at 1. */
  nextId(table: string): number {
    const id = this.nextIds.get(table) ?? 1;
    this.nextIds.set(table, id + 1);
    return id;
  }

  /** Inserts one row; `row` must name every column of the table. */
  insert(table: string, row: SeedRow): void {
    let insert = this.inserts.get(table);
    if (!insert) {
      const columns = demoTable(table).columns.map((c) => c.name);
      const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
      insert = { columns, statement: this.db.prepare(sql) };
      this.inserts.set(table, insert);
    }
    const values: (string | number | null)[] = [];
    for (const column of insert.columns) {
      const value = row[column];
      if (value === undefined) throw new Error(`no value for ${table}.${column}`);
      values.push(value);
    }
    insert.statement.run(values);
  }

  /** The instant `ms` as RFC 3339 text, rotating through forms and offsets. */
  stamp(ms: number): string {
    this.stamps = (this.stamps + 1) % 50;
    return formatTimestamp(ms, this.stamps);
  }

  /** `stamp(ms)`, or null with probability `p`. */
  maybeStamp(rng: Prng, p: number, ms: number): string | null {
    return rng.chance(p) ? null : this.stamp(ms);
  }

  /**
   * Calls `emit` for `count(state)` rows of every tenant, the tenants'
   * rows interleaved in proportion as on a live platform.
   */
  eachTenantRow(
    count: (state: TenantState) => number,
    emit: (state: TenantState, index: number) => void,
  ): void {
    interleave(this.tenants.map(count), (slot, index) => {
      const state = this.tenants[slot];
      if (state) emit(state, index);
    });
  }

  /** Runs `work` in one transaction. */
  transaction(work: () => void): void {
    this.db.transaction(work)();
  }
}

/** A random user of the tenant; throws if it has none. */
export function pickUser(state: TenantState): number {
  const id = state.userIds[state.rng.int(state.userIds.length)];
  if (id === undefined) throw new Error(`${state.profile.tenant.id} has no users`);
  return id;
}
