import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** The algorithms a platform's identity provider may sign with. */
export const IDP_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type IdpAlgorithm = (typeof IDP_ALGORITHMS)[number];

export const ISSUER = 'https://id.platform.test/';
export const AUDIENCE = 'portage';

/** A platform's identity provider, for tests: one signing key per algorithm. */
export interface TestIdentityProvider {
  /** The public key set, as `PORTAGE_AUTH_JWKS` would serve it. */
  readonly jwks: { keys: JWK[] };
  /** The RSA public key in PEM, what a key-confusion attack signs HS256 with. */
  readonly rsaPublicPem: string;
  /** A token signed with `alg`: `claims` over defaults (issuer, audience, an hour of validity). */
  mint(
    claims: JWTPayload & Record<string, unknown>,
    options?: { alg?: IdpAlgorithm; now?: Date; expiresInSeconds?: number; kid?: string },
  ): Promise<string>;
  /** Writes {@link jwks} to `file`. */
  writeJwks(file: string): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Generates a fresh identity provider. */
export async function createIdentityProvider(): Promise<TestIdentityProvider> {
  const pairs = await Promise.all(
    IDP_ALGORITHMS.map(async (alg) => ({
      alg,
      kid: `test-${alg.toLowerCase()}`,
      ...(await generateKeyPair(alg, { extractable: true })),
    })),
  );
  const keys = await Promise.all(
    pairs.map(async (p) => ({
      ...(await exportJWK(p.publicKey)),
      kid: p.kid,
      alg: p.alg,
      use: 'sig',
    })),
  );
  const rsa = pairs.find((p) => p.alg === 'RS256')!;
  return {
    jwks: { keys },
    rsaPublicPem: await exportSPKI(rsa.publicKey),
    async mint(claims, options = {}) {
      const pair = pairs.find((p) => p.alg === (options.alg ?? 'RS256'))!;
      const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
      const payload: JWTPayload = {
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now,
        exp: now + (options.expiresInSeconds ?? 3600),
        ...claims,
      };
      for (const [name, value] of Object.entries(payload))
        if (value === undefined) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: pair.alg, kid: options.kid ?? pair.kid })
        .sign(pair.privateKey);
    },
    async writeJwks(file) {
      await writeFile(file, JSON.stringify({ keys }));
    },
  };
}

/** An unsigned token (`alg: none`) carrying `payload`. */
export function unsignedToken(payload: JWTPayload): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** A token signed with HMAC-SHA256 keyed by `secret` (such as a public key's PEM). */
export function hs256Token(payload: JWTPayload, secret: string, kid?: string): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT', ...(kid && { kid }) })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** How a test JWKS endpoint behaves. */
export type JwksBehaviour = 'serve' | 'hang' | 'error';

/** A JWKS URL on a loopback port whose behaviour a test sets. */
export interface JwksServer {
  readonly url: string;
  behaviour: JwksBehaviour;
  /** Requests it received. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Serves `jwks` at `http://127.0.0.1:<port>/.well-known/jwks.json`, or hangs, or fails. */
export async function startJwksServer(jwks: { keys: JWK[] }): Promise<JwksServer> {
  let requests = 0;
  const hanging = new Set<ServerResponse>();
  const state = { behaviour: 'serve' as JwksBehaviour };
  const server: Server = createServer((_request, response) => {
    requests += 1;
    if (state.behaviour === 'hang') {
      hanging.add(response);
      return;
    }
    if (state.behaviour === 'error') {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value) {
      state.behaviour = value;
    },
    requests: () => requests,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
