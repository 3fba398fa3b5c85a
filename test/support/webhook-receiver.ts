import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link WebhookReceiver} got. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers a request: a status, or `hold` to keep it waiting until released. */
export type ReceiverAnswer = number | 'hold';

/** A real HTTP server on loopback that records every webhook and answers as told. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Decides each answer (default: 204). */
  answer: (webhook: ReceivedWebhook) => ReceiverAnswer;
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  /** Answers every held request with `status`. */
  release(status?: number): void;
  close(): Promise<void>;
}

/** Starts a {@link WebhookReceiver} on 127.0.0.1 and a free port. */
export async function startReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const held: ServerResponse[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    answer: () => 204,
    waitFor: (n) =>
      receiver.received.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ n, resolve })),
    release(status = 204) {
      for (const res of held.splice(0)) res.writeHead(status).end();
    },
    close: () =>
      new Promise((resolve) => {
        receiver.release(503);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const webhook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      receiver.received.push(webhook);
      const answer = receiver.answer(webhook);
      if (answer === 'hold') held.push(res);
      else res.writeHead(answer).end();
      for (const waiter of waiters.splice(0)) {
        if (receiver.received.length >= waiter.n) waiter.resolve();
        else waiters.push(waiter);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, { url: `http://127.0.0.1:${port}${path}` });
}
