import { schemaTable } from '../demo-schema.js';
import { interleaved } from '../interleave.js';
import { Prng } from '../prng.js';
import type { RowSink, SeedValue } from '../row-sink.js';
import { NORTHWIND_SCHEMA } from './schema.js';
import type { NorthwindProfile } from './tenants.js';

/** A row to insert: one value per column of the table, by column name. */
export type Row = Record<string, SeedValue>;

/** A pipeline and the positions of its stages, with the status each closes a deal as. */
export interface PipelineState {
  readonly id: string;
  readonly stages: readonly { readonly position: number; readonly closesAs: string | null }[];
}

/** What the generator knows about one organization while it fills the tables. */
export interface OrgState {
  readonly profile: NorthwindProfile;
  readonly rng: Prng;
  readonly members: string[];
  readonly pipelines: PipelineState[];
  readonly companies: string[];
  readonly contacts: string[];
  readonly deals: string[];
}

/**
 * Shared state of one Northwind CRM generation: the sink, the next value of
 * each bigint key (global across organizations, as a sequence gives them) and
 * each organization's state.
 */
export class NorthwindContext {
  private readonly sequences = new Map<string, number>();
  readonly orgs: OrgState[];

  constructor(
    readonly sink: RowSink,
    profiles: readonly NorthwindProfile[],
  ) {
    this.orgs = profiles.map((profile) => ({
      profile,
      rng: new Prng(Prng.seedOf(`northwind-crm/${profile.tenant.id}`)),
      members: [],
      pipelines: [],
      companies: [],
      contacts: [],
      deals: [],
    }));
  }

  /** The next key of `table`'s bigint sequence, starting at 1. */
  nextId(table: string): number {
    const id = this.sequences.get(table) ?? 1;
    this.sequences.set(table, id + 1);
    return id;
  }

  /** Inserts one row; `row` must name every column of the table. */
  insert(table: string, row: Row): void {
    const definition = schemaTable(NORTHWIND_SCHEMA, table);
    const values = definition.columns.map(({ name }) => {
      const value = row[name];
      if (value === undefined) throw new Error(`no value for ${table}.${name}`);
      return value;
    });
    this.sink.write(definition, values);
  }

  /**
   * Calls `emit` for `count(org)` rows of every organization, interleaved in
   * proportion as on a live platform, pausing whenever the sink asks to be drained.
   */
  async eachOrgRow(
    count: (org: OrgState) => number,
    emit: (org: OrgState, index: number) => void,
  ): Promise<void> {
    for (const [slot, index] of interleaved(this.orgs.map(count))) {
      const org = this.orgs[slot];
      if (org) emit(org, index);
      if (this.sink.saturated) await this.sink.drain();
    }
  }
}

/** One element of `ids` picked by `org.rng`, or null with probability `pNull` (or when empty). */
export function maybePick(org: OrgState, ids: readonly string[], pNull = 0): string | null {
  if (ids.length === 0 || org.rng.chance(pNull)) return null;
  return ids[org.rng.int(ids.length)] ?? null;
}
