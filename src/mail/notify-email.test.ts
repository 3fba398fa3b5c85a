import { describe, expect, it } from 'vitest';
import { readMailSettings } from '../config/mail-settings.js';
import { MAIL_MAX_ATTEMPTS, mailRetryDelayMs } from './mail-backoff.js';
import { scrub } from './mail-failure.js';
import { mailLeaseMs } from './mail-transport.js';
import { notifyEmailProblem } from './notify-email.js';

describe('notify_email', () => {
  it('accepts one plain address', () => {
    for (const ok of ['a@b.co', 'first.last+tag@mail.customer.example', "o'brien@x.example"])
      expect(notifyEmailProblem(ok), ok).toBeNull();
  });

  it('refuses control characters, names, lists and malformed addresses', () => {
    for (const bad of [
      'a@b.co\r\nBcc: e@evil.example',
      'a@b.co\n',
      'a\u0000@b.co',
      'A <a@b.co>',
      'a@b.co,c@d.co',
      'a@b.co c@d.co',
      '"a b"@c.co',
      'a@localhost',
      '.a@b.co',
      'a..b@c.co',
      'a.@b.co',
      'a@-b.co',
      `${'a'.repeat(65)}@b.co`,
      `a@${'b'.repeat(250)}.co`,
    ])
      expect(notifyEmailProblem(bad), JSON.stringify(bad)).not.toBeNull();
  });
});

describe('mail settings', () => {
  const read = (env: Record<string, string>) => readMailSettings((name) => env[name]);
  it('is off without either variable, and refuses one without the other', () => {
    expect(read({})).toEqual({ mail: null });
    expect(read({ PORTAGE_SMTP_URL: 'smtp://mail:25' })).toEqual({
      error: expect.stringContaining('PORTAGE_MAIL_FROM') as string,
    });
    expect(read({ PORTAGE_MAIL_FROM: 'a@b.co' })).toEqual({
      error: expect.stringContaining('PORTAGE_SMTP_URL') as string,
    });
  });
  it('refuses a URL that is not SMTP and a From that spans lines', () => {
    expect(read({ PORTAGE_SMTP_URL: 'http://mail', PORTAGE_MAIL_FROM: 'a@b.co' })).toHaveProperty(
      'error',
    );
    expect(
      read({
        PORTAGE_SMTP_URL: 'smtps://u:p@mail',
        PORTAGE_MAIL_FROM: 'X <a@b.co>\r\nBcc: c@d.co',
      }),
    ).toHaveProperty('error');
    expect(read({ PORTAGE_SMTP_URL: 'smtps://u:p@mail', PORTAGE_MAIL_FROM: 'X <a@b.co>' })).toEqual(
      {
        mail: { smtpUrl: 'smtps://u:p@mail', from: 'X <a@b.co>', timeoutSeconds: 60 },
      },
    );
  });
  it('bounds an SMTP conversation by PORTAGE_SMTP_TIMEOUT_SECONDS, and a claim on a mail by it', () => {
    const base = { PORTAGE_SMTP_URL: 'smtp://mail', PORTAGE_MAIL_FROM: 'a@b.co' };
    const short = read({ ...base, PORTAGE_SMTP_TIMEOUT_SECONDS: '5' });
    expect(short).toEqual({ mail: { smtpUrl: 'smtp://mail', from: 'a@b.co', timeoutSeconds: 5 } });
    if (!('mail' in short) || short.mail === null) throw new Error('no mail settings');
    expect(mailLeaseMs(short.mail)).toBe(20_000);
    expect(mailLeaseMs({ ...short.mail, timeoutSeconds: 60 })).toBe(95_000);
    for (const bad of ['0', '601', '1.5', 'soon', '-3'])
      expect(read({ ...base, PORTAGE_SMTP_TIMEOUT_SECONDS: bad })).toEqual({
        error: expect.stringContaining(`PORTAGE_SMTP_TIMEOUT_SECONDS must be`) as string,
      });
  });
});

describe('mail retries', () => {
  it('back off from 30 s to at most an hour, for more than a day, then stop', () => {
    expect(mailRetryDelayMs(1)).toBe(30_000);
    expect(mailRetryDelayMs(2)).toBe(60_000);
    expect(mailRetryDelayMs(20)).toBe(3_600_000);
    let total = 0;
    for (let attempt = 1; attempt < MAIL_MAX_ATTEMPTS; attempt++)
      total += mailRetryDelayMs(attempt)!;
    expect(total).toBeGreaterThan(24 * 3_600_000);
    expect(mailRetryDelayMs(MAIL_MAX_ATTEMPTS)).toBeNull();
  });
  it('never records the address an SMTP answer echoes', () => {
    expect(scrub('550 <Ops@Customer.example>: Recipient rejected', 'ops@customer.example')).toBe(
      '550 <[address]>: Recipient rejected',
    );
  });
});
