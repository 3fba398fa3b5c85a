import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every mail it receives, parsed. */
export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`, for `PORTAGE_SMTP_URL`. */
  readonly url: string;
  /** Every mail received so far, in order, with the envelope's recipients. */
  readonly received: { readonly to: readonly string[]; readonly mail: ParsedMail }[];
  /** The next mail to arrive (or the oldest not yet taken). */
  nextMail(): Promise<{ readonly to: readonly string[]; readonly mail: ParsedMail }>;
  /**
   * While true, a mail's data is read but never answered: the sender waits
   * for the server's `250` until its connection is cut, and nothing is kept.
   */
  holding: boolean;
  /** Resolves once a mail's data has begun to arrive while {@link holding}. */
  held(): Promise<void>;
  /** Starts listening (again) on its port. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback port free right now, below the kernel's range of ports it hands
 * to `listen(0)`: a server of another test asking for any port never gets it,
 * so a port reserved for a server that is down still refuses connections when
 * the test reaches it.
 */
export async function freePort(): Promise<number> {
  const low = await ephemeralLow();
  for (let tries = 0; ; tries++) {
    const port = low > 11_000 ? 10_000 + Math.floor(Math.random() * (low - 10_000)) : 0;
    const probe = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', resolve);
      });
    } catch (error) {
      if (tries < 50 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw error;
    }
    const address = probe.address();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }
}

/** The first port of Linux's ephemeral range, or 0 where it cannot be read. */
async function ephemeralLow(): Promise<number> {
  try {
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    return Number.parseInt(range, 10) || 0;
  } catch {
    return 0;
  }
}

/**
 * An SMTP server (the `smtp-server` package, no TLS, any sender accepted).
 * With `listening: false` it only reserves a port: a client gets "connection
 * refused" until {@link TestSmtpServer.listen} — an SMTP server that is down.
 */
export async function startSmtpServer(
  options: { listening?: boolean } = {},
): Promise<TestSmtpServer> {
  const port = await freePort();
  const received: { to: string[]; mail: ParsedMail }[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  let heldCount = 0;
  const heldWaiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      if (smtp.holding) {
        heldCount++;
        for (const wake of heldWaiters.splice(0)) wake();
        stream.resume();
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          for (const wake of waiters.splice(0)) wake();
          callback();
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
  // A client killed mid-mail resets its connection: that is the case under test, not a fault.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') throw error;
  });
  let listening = false;
  const listen = async () => {
    if (listening) return;
    await new Promise<void>((resolve) => {
      server.listen(port, '127.0.0.1', () => resolve());
    });
    listening = true;
  };
  if (options.listening !== false) await listen();
  const smtp: TestSmtpServer = {
    holding: false,
    async held() {
      while (heldCount === 0) await new Promise<void>((resolve) => heldWaiters.push(resolve));
    },
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    listen,
    async nextMail() {
      while (received.length <= taken) await new Promise<void>((resolve) => waiters.push(resolve));
      return received[taken++]!;
    },
    async close() {
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return smtp;
}
