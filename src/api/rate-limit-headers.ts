import type { QuotaState } from '../store/index.js';

/**
 * `RateLimit-Policy` and `RateLimit` headers as in draft-ietf-httpapi-ratelimit-headers:
 * every policy with its quota and window, and the remaining quota of the one
 * closest to running out.
 */
export function rateLimitHeaders(quotas: readonly QuotaState[]): Record<string, string> {
  if (quotas.length === 0) return {};
  const policy = quotas.map((q) => `"${q.name}";q=${q.limit};w=${q.windowSeconds}`).join(', ');
  const tightest = quotas.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  return {
    'RateLimit-Policy': policy,
    RateLimit: `"${tightest.name}";r=${tightest.remaining};t=${tightest.resetSeconds}`,
  };
}
