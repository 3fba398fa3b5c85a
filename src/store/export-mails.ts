import type { Kysely, Selectable } from 'kysely';
import { toExportRecord, type ExportRecord } from './export-record.js';
import { isoTime } from './ids.js';
import type { ExportMailTable, StateDatabase } from './schema.js';

/** The statuses of a mail in the outbox. */
export type MailStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** A claimed mail, with the export it tells of and where to send it. */
export interface ClaimedMail {
  readonly exportId: string;
  readonly kind: 'completed' | 'failed';
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly owner: string;
  readonly address: string;
  readonly baseUrl: string;
  readonly export: ExportRecord;
}

/** A mail as the outbox records it (for operators and tests; never the address). */
export interface MailRecord {
  readonly exportId: string;
  readonly kind: string;
  readonly status: MailStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly sentAt: string | null;
}

/** How many ended exports one pass moves into the outbox at most. */
const ENQUEUE_BATCH = 100;

/**
 * The mail outbox in Portage's own database, the queue of record for mails as
 * the exports table is for exports: any worker of any process claims a due
 * mail with a lease, so a mail survives restarts and a dead worker's claim
 * lapses to another.
 */
export class ExportMails {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /**
   * Writes an outbox row for every export that asked for a mail and has
   * ended since: `pending` for a completion or a failure, `skipped` for a
   * cancel (the customer's own doing). Returns how many rows were written.
   */
  async enqueueEnded(now: Date): Promise<number> {
    const ended = await this.db
      .selectFrom('exports')
      .leftJoin('export_mails', 'export_mails.export_id', 'exports.id')
      .select(['exports.id', 'exports.status', 'exports.error_code'])
      .where('exports.notify_email', 'is not', null)
      .where('exports.status', 'in', ['completed', 'failed'])
      .where('export_mails.export_id', 'is', null)
      .limit(ENQUEUE_BATCH)
      .execute();
    for (const row of ended) {
      const canceled = row.status === 'failed' && row.error_code === 'canceled';
      await this.db
        .insertInto('export_mails')
        .values({
          export_id: row.id,
          kind: row.status,
          status: canceled ? 'skipped' : 'pending',
          next_attempt_at: isoTime(now),
          lease_owner: null,
          lease_expires_at: null,
          last_error: canceled ? 'canceled: no mail for a canceled export' : null,
          created_at: isoTime(now),
          sent_at: null,
        })
        .onConflict((oc) => oc.column('export_id').doNothing())
        .execute();
    }
    return ended.length;
  }

  /**
   * Claims the pending mail due first, for `leaseMs`, counting the attempt;
   * null when none is due. Two workers never hold one mail at once.
   */
  async claim(owner: string, leaseMs: number, now: Date): Promise<ClaimedMail | null> {
    const at = isoTime(now);
    for (;;) {
      const due = await this.db
        .selectFrom('export_mails')
        .select('export_id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', at)]))
        .orderBy('next_attempt_at')
        .limit(1)
        .executeTakeFirst();
      if (due === undefined) return null;
      const claimed = await this.db
        .updateTable('export_mails')
        .set((eb) => ({
          lease_owner: owner,
          lease_expires_at: isoTime(new Date(now.getTime() + leaseMs)),
          attempts: eb('attempts', '+', 1),
        }))
        .where('export_id', '=', due.export_id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', at)]))
        .returning(['export_id', 'kind', 'attempts'])
        .executeTakeFirst();
      // Taken by another worker between the two statements: look again.
      if (claimed === undefined) continue;
      const row = await this.db
        .selectFrom('exports')
        .selectAll()
        .where('id', '=', claimed.export_id)
        .executeTakeFirstOrThrow();
      return {
        exportId: claimed.export_id,
        kind: claimed.kind === 'failed' ? 'failed' : 'completed',
        attempt: Number(claimed.attempts),
        owner,
        address: row.notify_email ?? '',
        baseUrl: row.notify_base_url ?? '',
        export: toExportRecord(row),
      };
    }
  }

  /** Records the mail as sent. False when the claim had lapsed and was taken. */
  async markSent(mail: ClaimedMail, now: Date): Promise<boolean> {
    return this.finish(mail, { status: 'sent', sent_at: isoTime(now), last_error: null });
  }

  /** Gives the mail up for good (`failed`, or `skipped` when there is nothing left to tell). */
  async markGivenUp(
    mail: ClaimedMail,
    status: 'failed' | 'skipped',
    reason: string,
  ): Promise<boolean> {
    return this.finish(mail, { status, last_error: reason });
  }

  /** Records a failed attempt; the mail is due again at `retryAt`. */
  async markRetry(mail: ClaimedMail, reason: string, retryAt: Date): Promise<boolean> {
    return this.finish(mail, { last_error: reason, next_attempt_at: isoTime(retryAt) });
  }

  /** The outbox row of an export's mail, or null when it has none (yet). */
  async get(exportId: string): Promise<MailRecord | null> {
    const row = await this.db
      .selectFrom('export_mails')
      .selectAll()
      .where('export_id', '=', exportId)
      .executeTakeFirst();
    return row === undefined ? null : toMailRecord(row);
  }

  /** Mails by status, across every tenant (for `/metrics`). */
  async countByStatus(): Promise<{ status: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('export_mails')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }

  private async finish(
    mail: ClaimedMail,
    change: Partial<Pick<ExportMailTable, 'status' | 'sent_at' | 'last_error' | 'next_attempt_at'>>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('export_mails')
      .set({ ...change, lease_owner: null, lease_expires_at: null })
      .where('export_id', '=', mail.exportId)
      .where('lease_owner', '=', mail.owner)
      .where('attempts', '=', mail.attempt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function toMailRecord(row: Selectable<ExportMailTable>): MailRecord {
  return {
    exportId: row.export_id,
    kind: row.kind,
    status: row.status as MailStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}
