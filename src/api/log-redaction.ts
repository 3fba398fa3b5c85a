import type { FastifyRequest } from 'fastify';

/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Query parameters whose values are credentials: Portage's own download
 * signatures, S3 presigned-URL parts, and any token, key, secret or password a
 * client may put in a URL.
 */
const SECRET_PARAM =
  /^(signature|sig|token|access_token|api_key|apikey|key|secret|password|code|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/**
 * Paths whose next segment is a credential: a portal link's one-time token
 * opens the customer's session for whoever reads it first.
 */
const SECRET_SEGMENT = /^(\/portal\/start\/)[^/?#]+/i;

/**
 * `url` (a path with its query) with every credential in it replaced by
 * `[REDACTED]`: the value of each credential-bearing query parameter and the
 * token of a portal link; the rest is kept as sent.
 */
export function redactUrl(sent: string): string {
  const url = sent.replace(SECRET_SEGMENT, `$1${REDACTED}`);
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a name that does not decode is compared as sent
      }
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}`;
}

/**
 * Pino options for the request log: a request is logged as method, redacted
 * URL, host and peer address, and never with its headers; any header or
 * field that carries a credential is censored if something logs it anyway.
 */
export const REQUEST_LOG_OPTIONS = {
  serializers: {
    req: (request: FastifyRequest) => ({
      method: request.method,
      url: redactUrl(request.url),
      host: request.host,
      remoteAddress: request.ip,
    }),
  },
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'headers.authorization',
      'headers.cookie',
      'res.headers["set-cookie"]',
    ],
    censor: REDACTED,
  },
};
