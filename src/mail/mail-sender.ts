import { setTimeout as sleep } from 'node:timers/promises';
import type { Settings } from '../config/index.js';
import { toError } from '../errors/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { ClaimedMail, Store } from '../store/index.js';
import { readArchiveSummary } from './archive-summary.js';
import { mailRetryDelayMs } from './mail-backoff.js';
import { completedMail, failedMail, type MailContent } from './mail-content.js';
import { EMAIL_LINK_SECRET, signEmailLink } from './mail-link.js';
import { mailFailureReason, scrub } from './mail-failure.js';
import {
  isPermanentSmtpError,
  mailLeaseMs,
  smtpTransport,
  type MailTransport,
} from './mail-transport.js';

/** What sending mails needs. */
export interface MailContext {
  readonly settings: Pick<Settings, 'mail' | 'pollMs'>;
  readonly store: Store;
  readonly storage: Pick<ObjectStore, 'read'>;
}

/** Options of {@link MailSender}. */
export interface MailSenderOptions {
  /** The worker's name in the outbox's leases. */
  readonly owner: string;
  /** The clock. (Default: the system's) */
  readonly now?: () => Date;
  /** How mails leave. (Default: SMTP on `PORTAGE_SMTP_URL`) */
  readonly transport?: MailTransport;
}

/**
 * A worker's mail loop: moves ended exports into the outbox, then claims due
 * mails and sends them, one at a time, every `PORTAGE_POLL_MS`. A failed
 * attempt is retried with backoff (see {@link mailRetryDelayMs}); an SMTP 5xx
 * gives up at once. Every outcome is recorded in the outbox; no log line or
 * recorded error ever holds the address.
 */
export class MailSender {
  private readonly now: () => Date;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private transport: MailTransport | null;
  private secret: Buffer | null = null;

  constructor(
    private readonly ctx: MailContext,
    private readonly options: MailSenderOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.transport = options.transport ?? null;
  }

  /** Starts the loop; does nothing when mail is off. */
  start(): void {
    if (this.loop !== null || this.ctx.settings.mail === null) return;
    this.loop = this.run();
  }

  /** Stops the loop after the mail being sent, if any. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.loop = null;
    this.transport?.close();
  }

  /** One pass: enqueues ended exports, then sends every due mail. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    const { store } = this.ctx;
    await store.mails.enqueueEnded(this.now());
    const settings = this.ctx.settings.mail;
    if (settings === null) return 0;
    const leaseMs = mailLeaseMs(settings);
    let attempted = 0;
    while (!this.stopping.signal.aborted) {
      const mail = await store.mails.claim(this.options.owner, leaseMs, this.now());
      if (mail === null) break;
      attempted++;
      await this.attempt(mail);
    }
    return attempted;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.runOnce();
      } catch (error) {
        console.error('mail: taking work failed, retrying:', toError(error).message);
      }
      await sleep(this.ctx.settings.pollMs, undefined, { signal: this.stopping.signal }).catch(
        () => undefined,
      );
    }
  }

  private async attempt(mail: ClaimedMail): Promise<void> {
    const { store } = this.ctx;
    const record = mail.export;
    const tag = `mail for export ${mail.exportId} (attempt ${mail.attempt})`;
    let content: MailContent;
    try {
      const built = await this.compose(mail);
      if (built === null) {
        await store.mails.markGivenUp(
          mail,
          'skipped',
          'the archive expired before the mail went out',
        );
        console.error(`${tag}: skipped, the archive expired first`);
        return;
      }
      content = built;
      this.transport ??= smtpTransport(this.ctx.settings.mail!);
      await this.transport.send(mail.address, content);
    } catch (thrown) {
      // The tenant reads the reason; the operators' log keeps the whole message.
      const reason = mailFailureReason(thrown, mail.address);
      const logged = scrub(toError(thrown).message, mail.address);
      const delay = mailRetryDelayMs(mail.attempt);
      if (isPermanentSmtpError(thrown) || delay === null) {
        await store.mails.markGivenUp(mail, 'failed', reason);
        console.error(`${tag}: given up: ${logged}`);
      } else {
        await store.mails.markRetry(mail, reason, new Date(this.now().getTime() + delay));
        console.error(`${tag}: failed, retrying in ${Math.round(delay / 1000)} s: ${logged}`);
      }
      return;
    }
    await store.mails.markSent(mail, this.now());
    console.error(`${tag}: sent (${record.status})`);
  }

  /** The mail to send, or null when the archive it would point to is already gone. */
  private async compose(mail: ClaimedMail): Promise<MailContent | null> {
    const record = mail.export;
    if (mail.kind === 'failed') return failedMail(record);
    const { file, expiresAt, storageKey } = record;
    if (
      record.status !== 'completed' ||
      file === null ||
      expiresAt === null ||
      storageKey === null ||
      Date.parse(expiresAt) <= this.now().getTime()
    )
      return null;
    const summary = await readArchiveSummary(this.ctx.storage, storageKey, file.bytes);
    this.secret ??= await this.ctx.store.tenants.secret(EMAIL_LINK_SECRET);
    const link = signEmailLink(mail.baseUrl, record.id, new Date(expiresAt), this.secret);
    return completedMail({ export: { ...record, file, expiresAt }, summary, link });
  }
}
