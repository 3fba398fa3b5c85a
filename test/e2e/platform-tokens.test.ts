import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PLATFORMS } from '../../src/demo/index.js';
import { portageClient } from '../support/api-client.js';
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

const problem = (answer: { response: Response; error?: { code?: string } }) => ({
  status: answer.response.status,
  type: answer.response.headers.get('content-type')?.split(';')[0],
  code: answer.error?.code,
});

/** The exports `key` lists. */
const listExports = (baseUrl: string, key: string) =>
  portageClient(baseUrl, key).GET('/v1/exports');

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
      const client = portageClient(server.baseUrl, token);
      const created = await client.POST('/v1/exports', { body: { purpose: 'migration' } });
      expect(created.response.status).toBe(202);
      const listed = await client.GET('/v1/exports');
      expect(listed.response.status).toBe(200);
      expect(listed.data?.data.map((e) => e.id)).toContain(created.data?.id);
    });

    it("answers 404 to tenant B's token on tenant A's export, and shows it no data", async () => {
      const tokenA = await idp.mint({ org_id: tenantA });
      const tokenB = await idp.mint({ org_id: tenantB });
      const clientA = portageClient(server.baseUrl, tokenA);
      const clientB = portageClient(server.baseUrl, tokenB);
      const created = await clientA.POST('/v1/exports', { body: { purpose: 'closure' } });
      expect(created.response.status).toBe(202);
      const id = created.data!.id;
      const params = { path: { id } };
      for (const answer of [
        await clientB.GET('/v1/exports/{id}', { params }),
        await clientB.GET('/v1/exports/{id}/download', { params }),
      ]) {
        expect(problem(answer)).toEqual({
          status: 404,
          type: 'application/problem+json',
          code: 'not_found',
        });
        expect(JSON.stringify(answer.error)).not.toContain(tenantA);
      }
      const own = await clientA.GET('/v1/exports/{id}', { params });
      expect(own.response.status).toBe(200);
      const listedB = await clientB.GET('/v1/exports');
      expect(listedB.data?.data.map((e) => e.id)).not.toContain(id);
    });

    it('answers 403 tenant_not_found to a valid token naming a tenant the platform does not hold', async () => {
      const token = await idp.mint({ org_id: 'no-such-tenant' });
      const answer = await listExports(server.baseUrl, token);
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
      const answer = await listExports(server.baseUrl, await token());
      expect(problem(answer)).toEqual({
        status: 401,
        type: 'application/problem+json',
        code: 'unauthorized',
      });
      expect(answer.error?.detail).toMatch(reason);
      expect(answer.response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it.each(['hello', 'a.b', 'x'.repeat(4000), 'ptg_notakey', '...', 'a.b.c'])(
      'answers 401 problem+json to a bearer value that is neither a key nor a token: %s',
      async (value) => {
        const answer = await listExports(server.baseUrl, value);
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
      const answer = await listExports(server.baseUrl, key);
      expect(answer.response.status).toBe(200);
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
    const hung = await listExports(server.baseUrl, token);
    expect(problem(hung)).toEqual({
      status: 503,
      type: 'application/problem+json',
      code: 'identity_provider_unavailable',
    });
    expect(hung.error?.detail).toMatch(/within 300 ms/);
    expect(hung.response.headers.get('retry-after')).toBe('5');

    jwks.behaviour = 'error';
    const failed = await listExports(server.baseUrl, token);
    expect(problem(failed).code).toBe('identity_provider_unavailable');

    jwks.behaviour = 'serve';
    const served = await listExports(server.baseUrl, token);
    expect(served.response.status).toBe(200);
    // The key set is cached: more tokens cost no more fetches.
    const fetched = jwks.requests();
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const again = await listExports(
        server.baseUrl,
        await idp.mint({ tenant: 'globex' }, { alg }),
      );
      expect(again.response.status).toBe(200);
    }
    expect(jwks.requests()).toBe(fetched);
  });
});
