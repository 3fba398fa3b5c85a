import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { mailLeaseMs } from '../../src/mail/mail-transport.js';
import { portageClient } from '../support/api-client.js';
import { waitForExport } from '../support/http.js';
import { spawnWorker } from '../support/portage-process.js';
import { startServer } from '../support/portage-server.js';
import { startSmtpServer } from '../support/smtp-server.js';

const ADDRESS = 'grace@customer.example';
const FROM = 'exports@portage.example';

describe('a worker killed with a mail in flight', { timeout: 120_000 }, () => {
  it('has its mail sent by another process once its claim lapsed, and received once', async () => {
    const smtp = await startSmtpServer();
    smtp.holding = true;
    const env = { PORTAGE_SMTP_URL: smtp.url, PORTAGE_MAIL_FROM: FROM };
    let offsetMs = 0;
    const clock = () => new Date(Date.now() + offsetMs);
    const apiServer = await startServer(env, { worker: false, clock });
    const { dataDir } = apiServer;
    const demo = inject('demoDir');
    const worker = await spawnWorker({
      ...env,
      PORTAGE_DATA_DIR: dataDir,
      PORTAGE_SOURCE_URL: join(demo, 'demo-platform.sqlite'),
      PORTAGE_FILES_DIR: join(demo, 'demo-files'),
      PORTAGE_POLL_MS: '50',
    });
    let id: string;
    try {
      const key = apiServer.keys.acme!;
      const created = await portageClient(apiServer.baseUrl, key).POST('/v1/exports', {
        body: { purpose: 'migration', notify_email: ADDRESS },
      });
      id = created.data!.id;
      expect((await waitForExport(apiServer.baseUrl, key, id)).status).toBe('completed');
      // The worker is sending the mail: the SMTP server has its data and holds its answer.
      await smtp.held();
      expect(await worker.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
      expect(await apiServer.runtime.store.mails.get(id)).toMatchObject({
        status: 'pending',
        attempts: 1,
      });
      expect(smtp.received).toEqual([]);
    } finally {
      await worker.stop('SIGKILL');
      await apiServer.close({ keep: true });
    }

    smtp.holding = false;
    // Past the dead worker's claim (injected clock), another process sends it.
    offsetMs += mailLeaseMs(apiServer.runtime.settings.mail!) + 1_000;
    const second = await startServer(env, { clock, dataDir });
    try {
      const { to, mail } = await smtp.nextMail();
      expect(to).toEqual([ADDRESS]);
      expect(mail.text).toContain(id);
      let outbox = await second.runtime.store.mails.get(id);
      while (outbox?.status !== 'sent') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        outbox = await second.runtime.store.mails.get(id);
      }
      expect(outbox).toMatchObject({ status: 'sent', attempts: 2 });
      const shown = await portageClient(second.baseUrl, second.keys.acme).GET(
        '/v1/exports/{id}/mail',
        { params: { path: { id } } },
      );
      expect(shown.data).toMatchObject({ status: 'sent', attempts: 2 });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await second.close();
      await smtp.close();
    }
  });
});
