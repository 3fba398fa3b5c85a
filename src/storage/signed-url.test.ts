import { describe, expect, it } from 'vitest';
import { signDownload, verifyDownload } from './signed-url.js';

const secret = Buffer.alloc(32, 7);
const path = '/v1/exports/exp_abc/download';
const expiresAt = new Date('2030-01-01T00:00:00.000Z');
const before = new Date('2029-12-31T23:59:59.000Z');

function signed(): { expires: string; signature: string } {
  const params = new URLSearchParams(signDownload({ path, expiresAt, secret }).query);
  return { expires: params.get('expires') ?? '', signature: params.get('signature') ?? '' };
}

describe('signed download URLs', () => {
  it('produce expires=<unix seconds>&signature=<base64url>', () => {
    expect(signDownload({ path, expiresAt, secret }).query).toMatch(
      /^expires=1893456000&signature=[A-Za-z0-9_-]{43}$/,
    );
  });

  it('verify while unexpired', () => {
    expect(verifyDownload({ path, ...signed(), secret, now: before })).toBe('ok');
  });

  it('are expired from their expiry second on', () => {
    expect(verifyDownload({ path, ...signed(), secret, now: expiresAt })).toBe('expired');
  });

  it('are invalid when the path is changed', () => {
    const other = '/v1/exports/exp_abd/download';
    expect(verifyDownload({ path: other, ...signed(), secret, now: before })).toBe('invalid');
  });

  it('are invalid, not expired, when the expiry is changed in either direction', () => {
    const { signature } = signed();
    for (const expires of ['1893456001', '1893455999', '01893456000', '1893456000 ', '-1', '']) {
      expect(verifyDownload({ path, expires, signature, secret, now: before })).toBe('invalid');
    }
  });

  it('are invalid when the signature is changed, however slightly', () => {
    const { expires, signature } = signed();
    const last = signature.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [signature.slice(0, -1) + last, signature + '=', signature.slice(1), 'x']) {
      expect(verifyDownload({ path, expires, signature: bad, secret, now: before })).toBe(
        'invalid',
      );
    }
  });

  it('are invalid with another secret or a missing parameter', () => {
    const other = Buffer.alloc(32, 8);
    expect(verifyDownload({ path, ...signed(), secret: other, now: before })).toBe('invalid');
    const { expires } = signed();
    expect(verifyDownload({ path, expires, signature: undefined, secret, now: before })).toBe(
      'invalid',
    );
  });

  it('refuse a secret shorter than 32 bytes', () => {
    expect(() => signDownload({ path, expiresAt, secret: Buffer.alloc(16) })).toThrow(/32 bytes/);
  });
});
