import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors/index.js';
import { escapeHtml } from '../documents/index.js';

/**
 * Whether an `Accept` header prefers an HTML page to a JSON problem: the
 * weight of `text/html` (or `text/*`) is above zero and at least that of
 * every JSON type it names (`application/json`, `application/problem+json`,
 * `application/*`). A bare `*\/*` prefers neither, and gets JSON: a browser
 * following a link names `text/html`; `curl` and API clients do not.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    const mediaType = type.trim();
    if (mediaType === 'text/html' || mediaType === 'text/*') html = Math.max(html, q);
    else if (
      mediaType === 'application/json' ||
      mediaType === 'application/problem+json' ||
      mediaType === 'application/*'
    )
      json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}

const STYLE =
  'body{margin:0;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;background:#f6f6f6;color:#222;line-height:1.5}' +
  'main{max-width:34rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:8px}' +
  'h1{font-size:1.3rem;margin:0 0 1rem}.code{color:#666;font-size:.85rem}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Answers a problem as a short HTML page — the same status and `code` as
 * the problem+json answer — under a CSP that allows its one style and
 * nothing else (no script, no image, no form).
 */
export function sendHtmlProblem(
  reply: FastifyReply,
  code: ErrorCode,
  heading: string,
  detail: string,
): FastifyReply {
  const { status } = ERROR_CODES[code];
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${STYLE}</style></head>`,
    `<body><main><h1>${escapeHtml(heading)}</h1>`,
    `<p>${escapeHtml(detail)}</p>`,
    `<p class="code">${status} · ${escapeHtml(code)}</p>`,
    '</main></body></html>',
  ].join('\n');
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    )
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store')
    .send(body);
}
