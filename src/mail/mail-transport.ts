import { createRequire } from 'node:module';
import type nodemailer from 'nodemailer';
import type { MailSettings } from '../config/index.js';
import type { MailContent } from './mail-content.js';

/** Sends one mail; rejects with the SMTP server's error. */
export interface MailTransport {
  send(to: string, content: MailContent): Promise<void>;
  close(): void;
}

/**
 * Bounds on one SMTP conversation, so a server that stalls never holds a
 * worker: `PORTAGE_SMTP_TIMEOUT_SECONDS` of silence at any step, at most 15 s
 * to connect and to be greeted.
 */
function timeouts(settings: MailSettings) {
  const ms = settings.timeoutSeconds * 1000;
  const opening = Math.min(ms, 15_000);
  return { connectionTimeout: opening, greetingTimeout: opening, socketTimeout: ms };
}

/**
 * How long a worker's claim on a mail lasts: longer than one SMTP conversation
 * can stall for (connection, greeting and a silent server), so that a live
 * worker's mail is never taken over, and short enough that a killed worker's
 * mail goes out soon.
 */
export function mailLeaseMs(settings: MailSettings): number {
  const { connectionTimeout, greetingTimeout, socketTimeout } = timeouts(settings);
  return connectionTimeout + greetingTimeout + socketTimeout + 5_000;
}

/**
 * An SMTP transport on `PORTAGE_SMTP_URL`, sending from `PORTAGE_MAIL_FROM`.
 * nodemailer loads with the first transport: without SMTP it never loads.
 */
export function smtpTransport(settings: MailSettings): MailTransport {
  const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof nodemailer;
  const transporter = createTransport({ url: settings.smtpUrl, ...timeouts(settings) });
  return {
    async send(to, content) {
      await transporter.sendMail({
        from: settings.from,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        // The recipient is the customer; automated replies belong nowhere.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * Whether an SMTP failure is final: the server answered a 5xx (the mailbox
 * does not exist, the address is refused). Anything else — refused or
 * dropped connections, timeouts, 4xx — may pass later.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
