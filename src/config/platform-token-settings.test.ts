import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from './index.js';

describe('the PORTAGE_AUTH_* settings', () => {
  let dir: string;
  const load = (env: Record<string, string>) => loadSettings(env, dir);
  const full = (jwks: string) => ({
    PORTAGE_AUTH_JWKS: jwks,
    PORTAGE_AUTH_ISSUER: 'https://id.example.com/',
    PORTAGE_AUTH_AUDIENCE: 'portage',
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-auth-settings-'));
    await writeFile(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ kty: 'OKP' }] }));
    await writeFile(join(dir, 'empty.json'), JSON.stringify({ keys: [] }));
    await writeFile(join(dir, 'broken.json'), '{"keys": [');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are off by default', () => {
    expect(load({}).platformTokens).toBeNull();
  });

  it('take a JWKS file relative to the working directory, with the default tenant claim', () => {
    expect(load(full('jwks.json')).platformTokens).toEqual({
      jwks: { file: join(dir, 'jwks.json') },
      issuer: 'https://id.example.com/',
      audience: 'portage',
      tenantClaim: 'tenant',
      jwksTimeoutMs: 5000,
    });
  });

  it('take an https URL, and http only on a loopback address', () => {
    expect(load(full('https://id.example.com/jwks')).platformTokens?.jwks).toEqual({
      url: 'https://id.example.com/jwks',
    });
    expect(load(full('http://127.0.0.1:9000/jwks')).platformTokens?.jwks).toEqual({
      url: 'http://127.0.0.1:9000/jwks',
    });
    expect(() => load(full('http://id.example.com/jwks'))).toThrow(
      /PORTAGE_AUTH_JWKS must be a file or an https:\/\/ URL/,
    );
  });

  it.each([
    [{ ...full('missing.json') }, /PORTAGE_AUTH_JWKS: .*missing\.json does not exist/],
    [{ ...full('broken.json') }, /broken\.json is not readable JSON/],
    [{ ...full('empty.json') }, /must hold a JWKS/],
    [
      { PORTAGE_AUTH_JWKS: 'jwks.json', PORTAGE_AUTH_AUDIENCE: 'p' },
      /PORTAGE_AUTH_ISSUER is required/,
    ],
    [
      { PORTAGE_AUTH_JWKS: 'jwks.json', PORTAGE_AUTH_ISSUER: 'i' },
      /PORTAGE_AUTH_AUDIENCE is required/,
    ],
    [{ PORTAGE_AUTH_ISSUER: 'i' }, /PORTAGE_AUTH_ISSUER is set but PORTAGE_AUTH_JWKS is not/],
    [
      { ...full('jwks.json'), PORTAGE_AUTH_TENANT_CLAIM: 'a b' },
      /PORTAGE_AUTH_TENANT_CLAIM must be a claim name/,
    ],
    [
      { ...full('jwks.json'), PORTAGE_AUTH_JWKS_TIMEOUT_MS: '0' },
      /PORTAGE_AUTH_JWKS_TIMEOUT_MS must be/,
    ],
  ])('refuse %j, naming the setting', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
