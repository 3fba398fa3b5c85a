import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLATFORMS } from '../../src/demo/index.js';
import { api } from '../support/http.js';
import {
  AUDIENCE,
  createIdentityProvider,
  hs256Token,
  IDP_ALGORITHMS,
  ISSUER,
  startJwksServer,
  unsignedToken,
  type JwksServer,
  type TestIdentityProvider,
} from '../support/identity-provider.js';
import {
  demoDatabase,
  demoFiles,
  startServer,
  type TestServer,
} from '../support/portage-server.js';

// A platform's identity provider issues short-lived JWTs naming the tenant;
// Portage accepts them as bearer credentials (PORTAGE_AUTH_*), on both demo
// platforms (integer-like text tenant ids and UUIDs).

const problem = (answer: { status: number; headers: Headers; body: Record<string, unknown> }) => ({
  status: answer.status,
  type: answer.headers.get('content-type')?.split(';')[0],
  code: answer.body.code,
});

for (const platform of DEMO_PLATFORMS)
  describe(`platform-issued tokens on ${platform.title}`, { timeout: 60_000 }, () => {
    let dir: string;
    let idp: TestIdentityProvider;
    let server: TestServer;
    const [a, b] = platform.tenants;
    const tenantA = a!.id;
    const tenantB = b!.id;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'portage-tokens-'));
      idp = await createIdentityProvider();
      const jwks = join(dir, 'idp-jwks.json');
      await idp.writeJwks(jwks);
      server = await startServer(
        {
          PORTAGE_CATALOG: platform.catalogFile,
          PORTAGE_AUTH_JWKS: jwks,
          PORTAGE_AUTH_ISSUER: ISSUER,
          PORTAGE_AUTH_AUDIENCE: AUDIENCE,
          PORTAGE_AUTH_TENANT_CLAIM: 'org_id',
        },
        { worker: false, platform: { sourceUrl: demoDatabase(platform), filesDir: demoFiles() } },
      );
    });
    afterAll(async () => {
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it.each(IDP_ALGORITHMS)('accepts a %s token as its tenant’s credential', async (alg) => {
      const token = await idp.mint({ org_id: tenantA }, { alg });
      const created = await api(server.baseUrl, 'POST', '/v1/exports', {
        key: token,
        body: { purpose: 'migration' },
      });
      expect(created.status).toBe(202);
      const listed = await api<{ data: { id: string }[] }>(server.baseUrl, 'GET', '/v1/exports', {
        key: token,
      });
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((e) => e.id)).toContain(created.body.id);
    });

    it("answers 404 to tenant B's token on tenant A's export, and shows it no data", async () => {
      const tokenA = await idp.mint({ org_id: tenantA });
      const tokenB = await idp.mint({ org_id: tenantB });
      const created = await api(server.baseUrl, 'POST', '/v1/exports', {
        key: tokenA,
        body: { purpose: 'closure' },
      });
      expect(created.status).toBe(202);
      const id = String(created.body.id);
      for (const path of [`/v1/exports/${id}`, `/v1/exports/${id}/download`]) {
        const answer = await api(server.baseUrl, 'GET', path, { key: tokenB });
        expect(problem(answer)).toEqual({
          status: 404,
          type: 'application/problem+json',
          code: 'not_found',
        });
        expect(JSON.stringify(answer.body)).not.toContain(tenantA);
      }
      const own = await api(server.baseUrl, 'GET', `/v1/exports/${id}`, { key: tokenA });
      expect(own.status).toBe(200);
      const listedB = await api<{ data: { id: string }[] }>(server.baseUrl, 'GET', '/v1/exports', {
        key: tokenB,
      });
      expect(listedB.body.data.map((e) => e.id)).not.toContain(id);
    });

    it('answers 403 tenant_not_found to a valid token naming a tenant the platform does not hold', async () => {
      const token = await idp.mint({ org_id: 'no-such-tenant' });
      const answer = await api(server.baseUrl, 'GET', '/v1/exports', { key: token });
      expect(problem(answer)).toEqual({
        status: 403,
        type: 'application/problem+json',
        code: 'tenant_not_found',
      });
    });

    const now = () => Math.floor(Date.now() / 1000);
    const refused: [string, () => Promise<string>, RegExp][] = [
      [
        'an expired token',
        () => idp.mint({ org_id: tenantA }, { now: new Date(Date.now() - 7200_000) }),
        /expired/,
      ],
      [
        'a token not valid yet',
        () => idp.mint({ org_id: tenantA, nbf: now() + 3600, exp: now() + 7200 }),
        /not valid yet/,
      ],
      ['a token with no expiry', () => idp.mint({ org_id: tenantA, exp: undefined }), /no expiry/],
      [
        'a token for another audience',
        () => idp.mint({ org_id: tenantA, aud: 'another-service' }),
        /audience/,
      ],
      [
        'a token of another issuer',
        () => idp.mint({ org_id: tenantA, iss: 'https://evil.test/' }),
        /issuer/,
      ],
      ['a token without the tenant claim', () => idp.mint({ tenant: tenantA }), /"org_id" claim/],
      [
        'a token whose tenant claim is an object',
        () => idp.mint({ org_id: { id: tenantA } }),
        /"org_id" claim/,
      ],
      [
        'an unsigned token (alg: none)',
        () =>
          Promise.resolve(
            unsignedToken({ iss: ISSUER, aud: AUDIENCE, exp: now() + 600, org_id: tenantA }),
          ),
        /algorithm/,
      ],
      [
        'an HS256 token keyed with the public RSA key (key confusion)',
        () =>
          Promise.resolve(
            hs256Token(
              { iss: ISSUER, aud: AUDIENCE, exp: now() + 600, org_id: tenantA },
              idp.rsaPublicPem,
              'test-rs256',
            ),
          ),
        /algorithm/,
      ],
      [
        'a token whose signature was made for other claims',
        async () => {
          const [head, , signature] = (await idp.mint({ org_id: tenantB })).split('.');
          const body = Buffer.from(
            JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: now() + 600, org_id: tenantA }),
          ).toString('base64url');
          return `${head}.${body}.${signature}`;
        },
        /signature/,
      ],
      [
        'a token signed by a key the provider does not publish',
        async () =>
          (await createIdentityProvider()).mint({ org_id: tenantA }, { kid: 'test-rs256' }),
        /signature/,
      ],
    ];
    it.each(refused)('answers 401 problem+json to %s', async (_name, token, reason) => {
      const answer = await api(server.baseUrl, 'GET', '/v1/exports', { key: await token() });
      expect(problem(answer)).toEqual({
        status: 401,
        type: 'application/problem+json',
        code: 'unauthorized',
      });
      expect(String(answer.body.detail)).toMatch(reason);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it.each(['hello', 'a.b', 'x'.repeat(4000), 'ptg_notakey', '...', 'a.b.c'])(
      'answers 401 problem+json to a bearer value that is neither a key nor a token: %s',
      async (value) => {
        const answer = await api(server.baseUrl, 'GET', '/v1/exports', { key: value });
        expect(problem(answer)).toEqual({
          status: 401,
          type: 'application/problem+json',
          code: 'unauthorized',
        });
      },
    );

    it('still accepts the tenants’ API keys beside tokens', async () => {
      await server.runtime.store.tenants.upsert(tenantA, tenantA);
      const key = await server.runtime.store.tenants.createKey(tenantA);
      const answer = await api(server.baseUrl, 'GET', '/v1/exports', { key });
      expect(answer.status).toBe(200);
    });
  });

describe('a JWKS URL that answers slowly, badly or not at all', { timeout: 60_000 }, () => {
  let idp: TestIdentityProvider;
  let jwks: JwksServer;
  let server: TestServer;

  beforeAll(async () => {
    idp = await createIdentityProvider();
    jwks = await startJwksServer(idp.jwks);
    server = await startServer(
      {
        PORTAGE_AUTH_JWKS: jwks.url,
        PORTAGE_AUTH_ISSUER: ISSUER,
        PORTAGE_AUTH_AUDIENCE: AUDIENCE,
        PORTAGE_AUTH_JWKS_TIMEOUT_MS: '300',
      },
      { worker: false },
    );
  });
  afterAll(async () => {
    await server?.close();
    await jwks?.close();
  });

  it('answers 503 identity_provider_unavailable when the key set never comes, then recovers', async () => {
    jwks.behaviour = 'hang';
    const token = await idp.mint({ tenant: 'acme' });
    const hung = await api(server.baseUrl, 'GET', '/v1/exports', { key: token });
    expect(problem(hung)).toEqual({
      status: 503,
      type: 'application/problem+json',
      code: 'identity_provider_unavailable',
    });
    expect(String(hung.body.detail)).toMatch(/within 300 ms/);
    expect(hung.headers.get('retry-after')).toBe('5');

    jwks.behaviour = 'error';
    const failed = await api(server.baseUrl, 'GET', '/v1/exports', { key: token });
    expect(problem(failed).code).toBe('identity_provider_unavailable');

    jwks.behaviour = 'serve';
    const served = await api(server.baseUrl, 'GET', '/v1/exports', { key: token });
    expect(served.status).toBe(200);
    // The key set is cached: more tokens cost no more fetches.
    const fetched = jwks.requests();
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const again = await api(server.baseUrl, 'GET', '/v1/exports', {
        key: await idp.mint({ tenant: 'globex' }, { alg }),
      });
      expect(again.status).toBe(200);
    }
    expect(jwks.requests()).toBe(fetched);
  });
});
