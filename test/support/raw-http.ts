import { connect } from 'node:net';

/** What came back on a raw connection: the whole text, and whether the server closed it. */
export interface RawAnswer {
  readonly text: string;
  readonly status: number | null;
  readonly body: string;
}

/**
 * Sends `request` bytes as they are on a new TCP connection to `baseUrl` and
 * reads until the server closes it or `timeoutMs` passes, then closes it too.
 */
export function rawRequest(
  baseUrl: string,
  request: string | Buffer,
  timeoutMs = 5000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      // A reset after the answer was read still counts as an answer.
      if (chunks.length > 0) resolve(parse(Buffer.concat(chunks).toString('latin1')));
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks).toString('latin1')));
    });
    socket.write(request);
  });
}

/** The final answer in `received`, past any interim one (`100 Continue`). */
function parse(received: string): RawAnswer {
  const text = received.replace(/^(HTTP\/1\.1 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
  const split = text.indexOf('\r\n\r\n');
  return {
    text,
    status: status === undefined ? null : Number(status),
    body: split < 0 ? '' : text.slice(split + 4),
  };
}
