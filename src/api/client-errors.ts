import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors/index.js';
import { pathOf, problemBody, sendProblem } from './problem.js';

/**
 * Answers what Node's HTTP parser refused before any route saw it — malformed
 * HTTP, oversized headers (431), a request not received in time (408) — as a
 * problem with a code, then closes the connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers_too_large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'bad_request';
  const detail = {
    headers_too_large: 'The request headers are larger than this server accepts.',
    request_timeout: 'The request was not received in time; send it again, whole.',
    bad_request: 'The request is not well-formed HTTP/1.1.',
  }[code];
  closeWithProblem(socket, code, detail);
}

/**
 * Answers the requests Node would otherwise answer or drop in its own way:
 * `CONNECT` (405; Node would close the connection without a word), an
 * `Expect` other than `100-continue` (400; Node's own 417 has no body), and an
 * HTTP/1.1 request without `Host` (400; Node's own has no body).
 */
export function answerRequestsNodeRefuses(app: FastifyInstance): void {
  app.server.on('connect', (request: IncomingMessage, socket: Socket) =>
    closeWithProblem(
      socket,
      'method_not_allowed',
      `No endpoint ${request.method ?? 'CONNECT'} ${request.url ?? ''}: Portage is not a proxy.`,
    ),
  );
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const body = JSON.stringify(
      problemBody('bad_request', 'Expect: only 100-continue is understood.'),
    );
    response.shouldKeepAlive = false;
    response
      .writeHead(400, {
        'Content-Type': 'application/problem+json',
        'Content-Length': Buffer.byteLength(body),
      })
      .end(body);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      await sendProblem(reply, 'bad_request', 'An HTTP/1.1 request must carry a Host header.');
  });
}

/** Writes `code`'s problem as a whole HTTP answer on `socket`, then closes it. */
function closeWithProblem(socket: Socket, code: ErrorCode, detail: string): void {
  if (socket.writable) {
    const status = ERROR_CODES[code].status;
    const body = JSON.stringify(problemBody(code, detail));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Answers the router's own refusals: a URL whose percent-encoding does not
 * decode (400), and a path segment longer than any id (404).
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(reply, 'not_found', `Nothing exists at ${request.method} ${pathOf(request)}.`);
    return;
  }
  void sendProblem(
    reply,
    'bad_request',
    'The URL does not decode: a percent-encoded byte sequence is not UTF-8.',
  );
}
