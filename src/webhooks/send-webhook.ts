import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { toError } from '../errors/index.js';
import type { AttemptResult } from '../store/index.js';
import { DestinationRefused, forbiddenReason, guardedLookup } from './destination-guard.js';
import type { WebhookHeaders } from './signature.js';

/** Options of {@link sendWebhook}. */
export interface SendOptions {
  /** Whole attempt, connection to last byte of the answer. (Default: 10 000 ms) */
  readonly timeoutMs?: number;
  /** Reach private, loopback and link-local addresses too (`PORTAGE_WEBHOOK_ALLOW_PRIVATE`). (Default: false) */
  readonly allowPrivate?: boolean;
}

/** Bytes of an answer read at most; the rest is discarded with the connection. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one signed webhook. A 2xx answer is a success; any other answer
 * (redirects are not followed), a network error or the timeout is a failure,
 * and a destination on a forbidden address is `refused` before any byte is
 * sent. Never throws.
 */
export async function sendWebhook(
  url: string,
  headers: WebhookHeaders,
  body: string,
  options: SendOptions = {},
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return {
      outcome: 'refused',
      durationMs: 0,
      responseStatus: null,
      error: 'The URL is invalid.',
    };
  }
  const allowPrivate = options.allowPrivate === true;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return refused(`The scheme ${target.protocol} is not http or https.`);
  }
  // An IP literal is connected to without a lookup: check it here.
  if (!allowPrivate && isIP(host) !== 0) {
    const reason = forbiddenReason(host);
    if (reason !== null) return refused(`${reason}.`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(allowPrivate),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Portage-Webhooks/1',
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () =>
          settle(
            status >= 200 && status < 300
              ? { outcome: 'succeeded', durationMs: elapsed(), responseStatus: status, error: null }
              : {
                  outcome: 'failed',
                  durationMs: elapsed(),
                  responseStatus: status,
                  error:
                    status >= 300 && status < 400
                      ? `Answered ${status}; redirects are not followed.`
                      : `Answered ${status}.`,
                },
          );
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      settle({
        outcome: 'timeout',
        durationMs: elapsed(),
        responseStatus: null,
        error: `No answer within ${timeoutMs} ms.`,
      });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => {
      const cause = toError(error);
      settle(
        cause instanceof DestinationRefused
          ? refused(`${cause.message}.`, elapsed())
          : {
              outcome: 'failed',
              durationMs: elapsed(),
              responseStatus: null,
              error: cause.message,
            },
      );
    });
    req.end(body);
  });
}

function refused(error: string, durationMs = 0): AttemptResult {
  return {
    outcome: 'refused',
    durationMs,
    responseStatus: null,
    error: `Refused: ${error} Set PORTAGE_WEBHOOK_ALLOW_PRIVATE=true to allow private destinations.`,
  };
}
