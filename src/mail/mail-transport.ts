import { createRequire } from 'node:module';
import type nodemailer from 'nodemailer';
import type { MailSettings } from '../config/index.js';
import type { MailContent } from './mail-content.js';

/** Sends one mail; rejects with the SMTP server's error. */
export interface MailTransport {
  send(to: string, content: MailContent): Promise<void>;
  close(): void;
}

/** Bounds on one SMTP conversation, so a server that stalls never holds a worker. */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };

/**
 * An SMTP transport on `PORTAGE_SMTP_URL`, sending from `PORTAGE_MAIL_FROM`.
 * nodemailer loads with the first transport: without SMTP it never loads.
 */
export function smtpTransport(settings: MailSettings): MailTransport {
  const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof nodemailer;
  const transporter = createTransport({ url: settings.smtpUrl, ...TIMEOUTS });
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
