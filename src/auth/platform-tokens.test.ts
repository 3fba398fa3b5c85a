import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  createIdentityProvider,
  ISSUER,
  type TestIdentityProvider,
} from '../../test/support/identity-provider.js';
import { PlatformTokens } from './platform-tokens.js';

describe('platform tokens and the clock', () => {
  let dir: string;
  let idp: TestIdentityProvider;
  let tokens: PlatformTokens;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portage-tokens-'));
    idp = await createIdentityProvider();
    const file = join(dir, 'jwks.json');
    await idp.writeJwks(file);
    tokens = new PlatformTokens({
      jwks: { file },
      issuer: ISSUER,
      audience: AUDIENCE,
      tenantClaim: 'org_id',
      jwksTimeoutMs: 1000,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // A token that expires at `exp`, checked `after` seconds later.
  const checkedAfter = async (after: number) => {
    const exp = Math.floor(Date.now() / 1000);
    const token = await idp.mint({ org_id: 'acme', exp });
    return tokens.tenantOf(token, new Date((exp + after) * 1000));
  };

  it('allows 30 s of clock skew past exp, and no more', async () => {
    await expect(checkedAfter(25)).resolves.toBe('acme');
    await expect(checkedAfter(35)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
