import { describe, expect, it } from 'vitest';
import { mailFailureReason } from './mail-failure.js';

const ADDRESS = 'ops@customer.example';

/** An error as nodemailer or Node raise it. */
function failure(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe("a mail failure, as the export's tenant reads it", () => {
  it("keeps the mail server's own answer, the address blanked out", () => {
    const rejected = failure(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <Ops@Customer.example>: Recipient address rejected",
      { code: 'EENVELOPE', responseCode: 550 },
    );
    expect(mailFailureReason(rejected, ADDRESS)).toBe(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <[address]>: Recipient address rejected",
    );
  });

  it("names a failed connection by its kind, never the mail server's address", () => {
    for (const [message, code] of [
      ['connect ECONNREFUSED 10.0.3.7:587', 'ESOCKET'],
      ['getaddrinfo ENOTFOUND smtp.internal.example', 'EDNS'],
      ['Greeting never received', 'ETIMEDOUT'],
    ] as const) {
      const reason = mailFailureReason(failure(message, { code }), ADDRESS);
      expect(reason).toBe(`Could not connect to the mail server (${code}).`);
    }
    expect(mailFailureReason(failure('Invalid login: 535 5.7.8', { code: 'EAUTH' }), ADDRESS)).toBe(
      "The mail server refused Portage's login.",
    );
  });

  it('shows no path or internal message of an unforeseen failure', () => {
    const reason = mailFailureReason(
      new Error("ENOENT: no such file or directory, open '/var/lib/portage/archives/a.zip'"),
      ADDRESS,
    );
    expect(reason).not.toMatch(/ENOENT|\/var\/lib/);
    expect(reason).toMatch(/operators/);
  });
});
