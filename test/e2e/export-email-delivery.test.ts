import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_MAX_ATTEMPTS } from '../../src/mail/index.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { startServer } from '../support/portage-server.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const ADDRESS = 'grace@customer.example';
const FROM = 'exports@portage.example';

describe('mail delivery', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ listening: false });
  });
  afterAll(async () => smtp?.close());

  it('keeps a mail while the SMTP server is down, through a restart, and sends it once it is back', async () => {
    let offsetMs = 0;
    const clock = () => new Date(Date.now() + offsetMs);
    const env = { PORTAGE_SMTP_URL: smtp.url, PORTAGE_MAIL_FROM: FROM };
    const first = await startServer(env, { clock });
    const dataDir = first.dataDir;
    let id: string;
    try {
      const key = first.keys.acme!;
      const created = await portageClient(first.baseUrl, key).POST('/v1/exports', {
        body: { purpose: 'duplication', notify_email: ADDRESS },
      });
      id = created.data!.id;
      expect((await waitForExport(first.baseUrl, key, id)).status).toBe('completed');
      // The first attempt meets a refused connection and is recorded, without the address.
      for (;;) {
        const outbox = await first.runtime.store.mails.get(id);
        if (outbox !== null && outbox.attempts >= 1 && outbox.lastError !== null) {
          expect(outbox.status).toBe('pending');
          // The tenant reads this: the kind of failure, not where the mail server is.
          expect(outbox.lastError).toMatch(/^Could not connect to the mail server/);
          expect(outbox.lastError).not.toContain(ADDRESS);
          expect(outbox.lastError).not.toMatch(/127\.0\.0\.1|:\d{2,5}\b/);
          expect(Date.parse(outbox.nextAttemptAt)).toBeGreaterThan(clock().getTime() + 20_000);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(smtp.received).toHaveLength(0);
    } finally {
      await first.close({ keep: true });
    }

    await smtp.listen();
    // A minute later (injected clock), another process takes the mail over.
    offsetMs += 60_000;
    const second = await startServer(env, { clock, dataDir });
    try {
      const { to, mail } = await smtp.nextMail();
      expect(to).toEqual([ADDRESS]);
      expect(mail.subject).toMatch(/ready/);
      expect(mail.text).toContain(id);
      let outbox = await second.runtime.store.mails.get(id);
      while (outbox?.status !== 'sent') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        outbox = await second.runtime.store.mails.get(id);
      }
      expect(outbox).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await second.close();
    }
    expect(MAIL_MAX_ATTEMPTS).toBeGreaterThan(2);
  });
});

describe('notify_email, refused', () => {
  it('refuses an address that would inject a header, add a recipient or a name, naming the field', async () => {
    const smtpUp = await startSmtpServer();
    const server = await startServer(
      { PORTAGE_SMTP_URL: smtpUp.url, PORTAGE_MAIL_FROM: FROM },
      { worker: false },
    );
    try {
      const key = server.keys.acme!;
      for (const address of [
        `${ADDRESS}\r\nBcc: eve@attacker.example`,
        `${ADDRESS}\nSubject: hello`,
        `${ADDRESS}\r\n`,
        `Grace <${ADDRESS}>`,
        `${ADDRESS}, eve@attacker.example`,
        'grace@localhost',
        'not an address',
        `${'a'.repeat(250)}@x.example`,
        '',
      ]) {
        const answer = await portageClient(server.baseUrl, key).POST('/v1/exports', {
          body: { purpose: 'migration', notify_email: address },
        });
        expect(answer.response.status, JSON.stringify(address)).toBe(422);
        expect(answer.error?.code).toBe('validation_failed');
        expect(JSON.stringify(answer.error?.errors)).toContain('/notify_email');
      }
      const list = await portageClient(server.baseUrl, key).GET('/v1/exports');
      expect(list.data!.data).toEqual([]);
      expect(smtpUp.received).toHaveLength(0);
    } finally {
      await server.close();
      await smtpUp.close();
    }
  });

  it('answers 422 naming notify_email when this Portage sends no mail', async () => {
    const server = await startServer({}, { worker: false });
    try {
      const answer = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
        body: { purpose: 'migration', notify_email: ADDRESS },
      });
      expect(answer.response.status).toBe(422);
      expect(answer.error?.errors).toEqual([
        { pointer: '/notify_email', detail: expect.stringMatching(/PORTAGE_SMTP_URL/) as string },
      ]);
      const plain = await portageClient(server.baseUrl, server.keys.acme).POST('/v1/exports', {
        body: { purpose: 'migration' },
      });
      expect(plain.response.status).toBe(202);
      expect(plain.data!.notify_email).toBeNull();
    } finally {
      await server.close();
    }
  });
});
