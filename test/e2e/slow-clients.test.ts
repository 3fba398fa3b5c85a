import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/portage-server.js';

/** Opens a loopback connection to the server and resolves once connected. */
function open(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves with the bytes received once the server closes `socket`, or null after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(null), ms);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

describe('slow and idle clients', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      {
        PORTAGE_HTTP_HEADERS_TIMEOUT_MS: '400',
        PORTAGE_HTTP_REQUEST_TIMEOUT_MS: '800',
        PORTAGE_HTTP_IDLE_TIMEOUT_MS: '2000',
        PORTAGE_HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
        PORTAGE_HTTP_MAX_CONNECTIONS: '4',
      },
      { worker: false },
    );
  });
  afterAll(async () => server?.close());

  it('closes a connection whose headers trickle in, with a 408 problem', async () => {
    const socket = await open(server.baseUrl);
    const closed = closedWithin(socket, 3000);
    socket.write('GET /healthz HTTP/1.1\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 100);
    const text = await closed;
    clearInterval(drip);
    expect(text).not.toBeNull();
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toContain('"code":"request_timeout"');
  });

  it('closes a connection whose body trickles in past the request timeout', async () => {
    const socket = await open(server.baseUrl);
    const closed = closedWithin(socket, 3000);
    socket.write(
      'POST /v1/exports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    const text = await closed;
    clearInterval(drip);
    expect(text).not.toBeNull();
  });

  it('closes an idle keep-alive connection', async () => {
    const socket = await open(server.baseUrl);
    const closed = closedWithin(socket, 3000);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const text = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
  });

  it('holds at most PORTAGE_HTTP_MAX_CONNECTIONS connections; the server stays up', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => open(server.baseUrl)));
    const extra = await open(server.baseUrl);
    expect(await closedWithin(extra, 2000)).toBe('');
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await fetch(new URL('/healthz', server.baseUrl));
    expect(response.status).toBe(200);
  });
});
