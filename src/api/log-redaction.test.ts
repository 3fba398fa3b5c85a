import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redaction.js';

describe('redactUrl', () => {
  it('replaces the value of every credential-bearing query parameter', () => {
    expect(redactUrl('/v1/exports/exp_1/download?expires=17&signature=abc')).toBe(
      '/v1/exports/exp_1/download?expires=17&signature=[REDACTED]',
    );
    expect(redactUrl('/x?Access_Token=a&page=2&X-Amz-Signature=b&%73ignature=c')).toBe(
      '/x?Access_Token=[REDACTED]&page=2&X-Amz-Signature=[REDACTED]&%73ignature=[REDACTED]',
    );
  });

  it("replaces a portal link's token, with or without a query after it", () => {
    const token = 'q3Lk9v0b6cH2xkQm7ZrT1yF8wJpN4sAeD5uGhVtR0Xo';
    expect(redactUrl(`/portal/start/${token}`)).toBe('/portal/start/[REDACTED]');
    expect(redactUrl(`/portal/start/${token}?utm=mail&token=t`)).toBe(
      '/portal/start/[REDACTED]?utm=mail&token=[REDACTED]',
    );
  });

  it('keeps a URL without credentials as sent', () => {
    for (const url of ['/v1/exports', '/portal', '/portal/assets/app.js', '/v1/catalog?page=2&x'])
      expect(redactUrl(url)).toBe(url);
  });
});
