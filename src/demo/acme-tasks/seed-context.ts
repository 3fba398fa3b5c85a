import { Prng } from '../prng.js';
import { ProjectStats } from './project-stats.js';
import { schemaTable, type DemoTable } from '../demo-schema.js';
import { interleaved } from '../interleave.js';
import type { RowSink, SeedValue } from '../row-sink.js';
import { ACME_TASKS_SCHEMA } from './schema.js';
import type { TenantProfile } from './tenants.js';
import { formatTimestamp } from './timestamps.js';

/** A row to insert: one value per column of the table, by column name. */
export type SeedRow = Record<string, SeedValue>;

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
 * Shared state of one generation run: the sink rows go to, the next id of each
 * table (ids are global across tenants), the timestamp format rotation and the
 * per-project statistics gathered on the way.
 */
export class SeedContext {
  private readonly tables = new Map<string, DemoTable>();
  private readonly nextIds = new Map<string, number>();
  private stamps = 0;
  readonly tenants: TenantState[];
  readonly projectStats = new ProjectStats();

  constructor(
    readonly sink: RowSink,
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
    let definition = this.tables.get(table);
    if (!definition) {
      definition = schemaTable(ACME_TASKS_SCHEMA, table);
      this.tables.set(table, definition);
    }
    const values: SeedValue[] = [];
    for (const { name } of definition.columns) {
      const value = row[name];
      if (value === undefined) throw new Error(`no value for ${table}.${name}`);
      values.push(value);
    }
    this.sink.write(definition, values);
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
   * rows interleaved in proportion as on a live platform, pausing whenever
   * the sink asks to be drained.
   */
  async eachTenantRow(
    count: (state: TenantState) => number,
    emit: (state: TenantState, index: number) => void,
  ): Promise<void> {
    for (const [slot, index] of interleaved(this.tenants.map(count))) {
      const state = this.tenants[slot];
      if (state) emit(state, index);
      if (this.sink.saturated) await this.sink.drain();
    }
  }
}

/** A random user of the tenant; throws if it has none. */
export function pickUser(state: TenantState): number {
  const id = state.userIds[state.rng.int(state.userIds.length)];
  if (id === undefined) throw new Error(`${state.profile.tenant.id} has no users`);
  return id;
}
