/**
 * The policy of every page under `/portal`: nothing but Portage's own
 * scripts, styles, images and JSON calls; no inline script or style; never
 * framed; forms post only to Portage.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers of every answer under `/portal`: the policy above, no sniffing, no
 * referrer (a link's token must not travel on), no caching of a customer's data.
 */
export const PORTAL_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': PORTAL_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
