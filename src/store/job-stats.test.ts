import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Limits } from '../config/index.js';
import { ExportStore } from './export-store.js';
import { ImportStore } from './import-store.js';
import { JobStats } from './job-stats.js';
import type { StateDatabase } from './schema.js';
import { openStateDb } from './state-db.js';
import {
  createStateDatabase,
  DIALECTS,
  type TestStateDatabase,
} from '../../test/support/state-stores.js';

const limits: Limits = { perDay: 1000, perMonth: 1000, maxRunning: 1000 };
const BOUNDS = [1, 10, 60];
const START = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number): string => new Date(START + seconds * 1000).toISOString();

describe.each(DIALECTS)('job totals on %s', (dialect) => {
  let database: TestStateDatabase;
  let db: Kysely<StateDatabase>;
  let exports: ExportStore;
  let imports: ImportStore;
  let stats: JobStats;
  beforeEach(async () => {
    database = await createStateDatabase(dialect);
    db = (await openStateDb(database.url)).db;
    exports = new ExportStore(db, dialect);
    imports = new ImportStore(db, dialect);
    stats = new JobStats(db);
    await db
      .insertInto('tenants')
      .values({ id: 'acme', name: 'Acme', created_at: at(0), limits: null })
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  /** An export of `purpose` that ended as `status` after `seconds` (null: never started). */
  async function finishedExport(
    purpose: 'migration' | 'audit',
    status: 'completed' | 'failed' | 'expired',
    seconds: number | null,
    figures: { rows?: number; bytes?: number; code?: string } = {},
  ): Promise<void> {
    const created = await exports.create(
      {
        tenantId: 'acme',
        purpose,
        formats: ['json'],
        categories: ['tasks'],
        csv: { bom: false, formulaProtection: false },
        idempotencyKey: null,
        requestHash: 'h',
      },
      limits,
    );
    if (created.kind !== 'created') throw new Error(`export not created: ${created.kind}`);
    await db
      .updateTable('exports')
      .set({
        status,
        started_at: seconds === null ? null : at(0),
        completed_at: at(seconds ?? 0),
        rows_written: figures.rows ?? 0,
        file_bytes: figures.bytes ?? null,
        error_code: figures.code ?? null,
      })
      .where('id', '=', created.export.id)
      .execute();
  }

  it('sums exports by purpose and outcome, with cumulative duration buckets', async () => {
    await finishedExport('migration', 'completed', 0.5, { rows: 10, bytes: 1000 });
    await finishedExport('migration', 'expired', 30, { rows: 5, bytes: 500 });
    await finishedExport('migration', 'completed', 7200, { rows: 1, bytes: 100 });
    await finishedExport('migration', 'failed', 2, { code: 'source_read_failed' });
    await finishedExport('migration', 'failed', null, { code: 'source_read_failed' });
    await finishedExport('audit', 'failed', 5, { code: 'storage_write_failed' });
    // Unfinished ones count nowhere.
    await finishedExport('audit', 'completed', 1);
    await db
      .updateTable('exports')
      .set({ status: 'running' })
      .where('purpose', '=', 'audit')
      .where('status', '=', 'completed')
      .execute();

    const totals = await stats.exportTotals(BOUNDS);
    expect(totals).toEqual([
      {
        kind: 'audit',
        outcome: 'failed',
        code: 'storage_write_failed',
        count: 1,
        rows: 0,
        bytes: 0,
        timed: 1,
        seconds: 5,
        within: [0, 1, 1],
      },
      {
        kind: 'migration',
        outcome: 'completed',
        code: null,
        count: 3,
        rows: 16,
        bytes: 1600,
        timed: 3,
        seconds: 7230.5,
        within: [1, 1, 2],
      },
      {
        kind: 'migration',
        outcome: 'failed',
        code: 'source_read_failed',
        count: 2,
        rows: 0,
        bytes: 0,
        timed: 1,
        seconds: 2,
        within: [0, 1, 1],
      },
    ]);
  });

  it('sums imports by mode, their rows read from the per-category counts', async () => {
    for (const [id, status, rows, seconds] of [
      ['imp_a', 'completed', { tasks: 3, projects: 2 }, 4],
      ['imp_b', 'completed', { tasks: 10 }, 100],
      ['imp_c', 'failed', {}, 1],
    ] as const) {
      await imports.create({
        id,
        tenantId: 'acme',
        mode: 'preserve',
        dryRun: false,
        uploadKey: id,
        uploadBytes: 250,
      });
      await db
        .updateTable('imports')
        .set({
          status,
          started_at: at(0),
          completed_at: at(seconds),
          counts: JSON.stringify(rows),
          error_code: status === 'failed' ? 'bundle_invalid' : null,
        })
        .where('id', '=', id)
        .execute();
    }
    expect(await stats.importTotals(BOUNDS)).toEqual([
      {
        kind: 'preserve',
        outcome: 'completed',
        code: null,
        count: 2,
        rows: 15,
        bytes: 500,
        timed: 2,
        seconds: 104,
        within: [0, 1, 1],
      },
      {
        kind: 'preserve',
        outcome: 'failed',
        code: 'bundle_invalid',
        count: 1,
        rows: 0,
        bytes: 250,
        timed: 1,
        seconds: 1,
        within: [1, 1, 1],
      },
    ]);
  });

  it('answers with nothing when nothing has finished', async () => {
    expect(await stats.exportTotals(BOUNDS)).toEqual([]);
    expect(await stats.importTotals([])).toEqual([]);
  });
});
