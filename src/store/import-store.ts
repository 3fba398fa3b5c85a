import type { Kysely, Selectable } from 'kysely';
import { isoTime, newId } from './ids.js';
import type { ImportTable, StateDatabase } from './schema.js';

/** The statuses of an import; exactly these names. */
export type ImportStatus = 'pending' | 'running' | 'completed' | 'failed';

/** An import as Portage keeps it. */
export interface ImportRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly status: ImportStatus;
  readonly mode: 'preserve' | 'remap';
  readonly dryRun: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly uploadPath: string;
  readonly uploadBytes: number;
  readonly counts: Record<string, number>;
  readonly conflicts: readonly {
    readonly category: string;
    readonly ids: readonly unknown[];
    readonly count: number;
  }[];
  readonly error: { readonly code: string; readonly message: string } | null;
}

function toImportRecord(row: Selectable<ImportTable>): ImportRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status as ImportStatus,
    mode: row.mode as ImportRecord['mode'],
    dryRun: Number(row.dry_run) === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    uploadPath: row.upload_path,
    uploadBytes: Number(row.upload_bytes),
    counts: JSON.parse(row.counts) as Record<string, number>,
    conflicts: JSON.parse(row.conflicts) as ImportRecord['conflicts'],
    error:
      row.error_code !== null ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

/** Imports: created on upload, run once, finished with counts, conflicts or an error. */
export class ImportStore {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /** A fresh id for an upload, before its row exists. */
  newId(): string {
    return newId('imp_');
  }

  /** Records a pending import of an uploaded archive. */
  async create(
    input: {
      id: string;
      tenantId: string;
      mode: ImportRecord['mode'];
      dryRun: boolean;
      uploadPath: string;
      uploadBytes: number;
    },
    now = new Date(),
  ): Promise<ImportRecord> {
    await this.db
      .insertInto('imports')
      .values({
        id: input.id,
        tenant_id: input.tenantId,
        status: 'pending',
        mode: input.mode,
        dry_run: input.dryRun ? 1 : 0,
        created_at: isoTime(now),
        upload_path: input.uploadPath,
        upload_bytes: input.uploadBytes,
        counts: '{}',
        conflicts: '[]',
      })
      .execute();
    return (await this.getById(input.id)) as ImportRecord;
  }

  /** How many imports are in each status, across every tenant (for metrics). */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('imports')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** One import of a tenant; null for a missing id and for another tenant's. */
  async get(tenantId: string, id: string): Promise<ImportRecord | null> {
    const row = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row === undefined ? null : toImportRecord(row);
  }

  async getById(id: string): Promise<ImportRecord | null> {
    const row = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toImportRecord(row);
  }

  /** Imports not finished yet (pending, or running when their process stopped), oldest first. */
  async unfinished(): Promise<ImportRecord[]> {
    const rows = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('status', 'in', ['pending', 'running'])
      .orderBy('created_at')
      .execute();
    return rows.map(toImportRecord);
  }

  /** Marks an import running; false when it was no longer pending or running. */
  async start(id: string, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('imports')
      .set({ status: 'running', started_at: isoTime(now) })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records the outcome of an import. */
  async finish(
    id: string,
    outcome: {
      status: 'completed' | 'failed';
      counts: Record<string, number>;
      conflicts: ImportRecord['conflicts'];
      error: { code: string; message: string } | null;
    },
    now = new Date(),
  ): Promise<void> {
    await this.db
      .updateTable('imports')
      .set({
        status: outcome.status,
        completed_at: isoTime(now),
        counts: JSON.stringify(outcome.counts),
        conflicts: JSON.stringify(outcome.conflicts),
        error_code: outcome.error?.code ?? null,
        error_message: outcome.error?.message ?? null,
      })
      .where('id', '=', id)
      .execute();
  }
}
