/**
 * Email notification settings. Both are needed: with `PORTAGE_SMTP_URL` set
 * and `PORTAGE_MAIL_FROM` missing (or the other way round) Portage refuses to
 * start; with neither, an export request carrying `notify_email` answers 422.
 */
export interface MailSettings {
  /**
   * The SMTP server mails go through: `smtp://[user:password@]host[:port]`
   * (STARTTLS when the server offers it) or `smtps://…` (TLS from the first
   * byte, port 465 by default). (`PORTAGE_SMTP_URL`, default: none — no mail)
   */
  readonly smtpUrl: string;
  /**
   * The `From` of every mail, an address or `Name <address>`.
   * (`PORTAGE_MAIL_FROM`, default: none)
   */
  readonly from: string;
  /**
   * Seconds the SMTP server may keep silent at any step (15 at most for the
   * connection and the greeting); a worker's claim on a mail lasts
   * `3 × timeout + 5` seconds, after which another worker may send it.
   * (`PORTAGE_SMTP_TIMEOUT_SECONDS`, 1–600, default 60)
   */
  readonly timeoutSeconds: number;
}

/** Default of {@link MailSettings.timeoutSeconds}. */
export const DEFAULT_SMTP_TIMEOUT_SECONDS = 60;

/** A single-line `Name <address>` or bare address: no control character anywhere. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const FROM = /^(?:[^\x00-\x1f\x7f<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/**
 * Reads the mail settings from `text` (a setting's trimmed value, or undefined
 * when unset): null when mail is off, else the settings, or the problem with
 * them as a message naming the variable.
 */
export function readMailSettings(
  text: (name: string) => string | undefined,
): { readonly mail: MailSettings | null } | { readonly error: string } {
  const smtpUrl = text('PORTAGE_SMTP_URL');
  const from = text('PORTAGE_MAIL_FROM');
  if (smtpUrl === undefined && from === undefined) return { mail: null };
  if (smtpUrl === undefined)
    return { error: 'PORTAGE_MAIL_FROM is set but PORTAGE_SMTP_URL is not' };
  if (from === undefined) return { error: 'PORTAGE_SMTP_URL is set but PORTAGE_MAIL_FROM is not' };
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return { error: 'PORTAGE_SMTP_URL must be an smtp:// or smtps:// URL' };
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    return { error: 'PORTAGE_SMTP_URL must be an smtp:// or smtps:// URL with a host' };
  }
  if (!FROM.test(from)) {
    return { error: `PORTAGE_MAIL_FROM must be an address or "Name <address>" (got "${from}")` };
  }
  const timeout = text('PORTAGE_SMTP_TIMEOUT_SECONDS');
  const timeoutSeconds = timeout === undefined ? DEFAULT_SMTP_TIMEOUT_SECONDS : Number(timeout);
  if (!/^\d+$/.test(timeout ?? '60') || timeoutSeconds < 1 || timeoutSeconds > 600) {
    return {
      error: `PORTAGE_SMTP_TIMEOUT_SECONDS must be a whole number from 1 to 600 (got "${timeout}")`,
    };
  }
  return { mail: { smtpUrl, from, timeoutSeconds } };
}
