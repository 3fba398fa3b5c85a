import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 in front of a real server, whose line can be cut and restored. */
export interface OutageProxy {
  /** The port it listens on; point clients here instead of at the server. */
  readonly port: number;
  /** Bytes clients sent through it so far. */
  readonly bytesUp: number;
  /** Connections reset on arrival because the line was cut. */
  readonly refused: number;
  /** Whether the line is cut now. */
  readonly isCut: boolean;
  /** Resets every open connection, and every new one until {@link restore}. */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  /** Cuts the line once clients have sent `bytes` more bytes through it; resolves then. */
  cutAfter(bytes: number): Promise<void>;
  /** Stops listening and resets whatever is still open. */
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target` on a free loopback port. While cut, connections
 * are reset (`ECONNRESET` for clients, as when a server or its network goes
 * away); the real server behind it keeps running.
 */
export async function startOutageProxy(target: {
  host: string;
  port: number;
}): Promise<OutageProxy> {
  const open = new Set<Socket>();
  let cut = false;
  let bytesUp = 0;
  let refused = 0;
  let trigger: { at: number; fire: () => void } | null = null;

  const resetAll = () => {
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => open.delete(socket));
  };

  const server = createServer((client) => {
    track(client);
    if (cut) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      bytesUp += chunk.length;
      if (trigger !== null && bytesUp >= trigger.at) {
        const { fire } = trigger;
        trigger = null;
        cut = true;
        resetAll();
        fire();
      }
    });
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    get bytesUp() {
      return bytesUp;
    },
    get refused() {
      return refused;
    },
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
      resetAll();
    },
    restore() {
      cut = false;
    },
    cutAfter(bytes) {
      return new Promise((resolve) => {
        trigger = { at: bytesUp + bytes, fire: resolve };
      });
    },
    async close() {
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
