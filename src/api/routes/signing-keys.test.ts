import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring, rotateKeyring, type Keyring } from '../../signing/index.js';
import { handleError } from '../problem.js';
import { Problem } from '../schemas.js';
import { signingKeyRoutes } from './signing-keys.js';

/** A Fastify app with the signing-key routes only, listening on a loopback port. */
async function signingKeyServer(
  keyring: Keyring,
): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const app = Fastify();
  app.setErrorHandler(handleError);
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: 't', version: '1' } },
  });
  signingKeyRoutes(app, keyring);
  app.get('/openapi.json', () => app.swagger());
  return { app, baseUrl: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

let dir: string;
let server: { app: FastifyInstance; baseUrl: string };
let oldKid: string;
let keyring: Keyring;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portage-keys-http-'));
  const settings = { signingKeyFile: null, signingKeysDir: dir };
  oldKid = (await loadKeyring(settings)).active.kid;
  await rotateKeyring(settings);
  keyring = await loadKeyring(settings);
  server = await signingKeyServer(keyring);
});
afterAll(async () => {
  await server.app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /v1/signing-keys', () => {
  it('answers the JWKS of the active and retired keys, without an API key', async () => {
    const response = await fetch(`${server.baseUrl}/v1/signing-keys`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { keys: { kid: string; alg: string }[] };
    expect(body.keys.map((k) => k.kid)).toEqual([keyring.active.kid, oldKid]);
    expect(body.keys.every((k) => k.alg === 'EdDSA')).toBe(true);
  });

  it('answers one key as an SPKI PEM that checks a signature by that key', async () => {
    const response = await fetch(`${server.baseUrl}/v1/signing-keys/${keyring.active.kid}.pem`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    const pem = await response.text();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const bytes = Buffer.from('{"manifest":true}\n');
    expect(verify(null, bytes, pem, keyring.active.sign(bytes))).toBe(true);
    expect((await fetch(`${server.baseUrl}/v1/signing-keys/${oldKid}.pem`)).status).toBe(200);
  });

  it('answers an unknown kid with a 404 not_found problem', async () => {
    const response = await fetch(`${server.baseUrl}/v1/signing-keys/nope.pem`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('appears in the OpenAPI description', async () => {
    const spec = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/signing-keys', '/v1/signing-keys/{kid}.pem']),
    );
  });

  it('publishes a key rotated meanwhile by another process, without a restart', async () => {
    const { active } = await rotateKeyring({ signingKeyFile: null, signingKeysDir: dir });
    const response = await fetch(`${server.baseUrl}/v1/signing-keys`);
    const { keys } = (await response.json()) as { keys: { kid: string }[] };
    expect(keys[0]?.kid).toBe(active.kid);
    expect(keys.map((k) => k.kid)).toContain(oldKid);
    const pem = await fetch(`${server.baseUrl}/v1/signing-keys/${active.kid}.pem`);
    expect(pem.status).toBe(200);
  });
});
