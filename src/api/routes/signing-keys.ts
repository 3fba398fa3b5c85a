import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PortageError } from '../../errors/index.js';
import type { Keyring } from '../../signing/index.js';
import { PUBLIC } from '../openapi-conventions.js';
import { problems } from '../schemas.js';

const Jwk = Type.Object({
  kty: Type.Literal('OKP'),
  crv: Type.Literal('Ed25519'),
  x: Type.String({
    description: 'The 32-byte public key, base64url.',
    examples: ['11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'],
  }),
  kid: Type.String({
    description: 'RFC 7638 JWK thumbprint, base64url; `export.signing_key_id` in a manifest.',
    examples: ['kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'],
  }),
  alg: Type.Literal('EdDSA'),
  use: Type.Literal('sig'),
});

/**
 * `GET /v1/signing-keys` (JWKS) and `GET /v1/signing-keys/{kid}.pem` (SPKI PEM):
 * the public keys that sign audit exports, the active one and every retired
 * one, so that old archives still verify. Public: no API key needed.
 */
export function signingKeyRoutes(app: FastifyInstance, keyring: Keyring): void {
  app.get(
    '/v1/signing-keys',
    {
      schema: {
        operationId: 'listSigningKeys',
        summary: 'Public keys that sign audit exports (JWKS)',
        description:
          'RFC 8037 Ed25519 keys: the active one first, then retired ones. `manifest.sig` in an audit archive is the raw Ed25519 signature of `manifest.json` under the key whose `kid` is `export.signing_key_id`.',
        tags: ['signing'],
        security: PUBLIC,
        response: {
          200: { description: 'A JWK Set (RFC 7517).', ...Type.Object({ keys: Type.Array(Jwk) }) },
        },
      },
    },
    async () => {
      await keyring.refresh();
      return keyring.jwks();
    },
  );

  app.get(
    '/v1/signing-keys/:kid.pem',
    {
      schema: {
        operationId: 'getSigningKeyPem',
        summary: 'One signing public key as PEM',
        description: 'SPKI PEM, as `openssl pkeyutl -verify -pubin -inkey` reads it.',
        tags: ['signing'],
        security: PUBLIC,
        params: Type.Object({
          kid: Type.String({
            description: 'The `kid` of a key of `/v1/signing-keys`.',
            examples: ['kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'],
          }),
        }),
        produces: ['application/x-pem-file'],
        response: {
          200: {
            description: 'The public key.',
            content: {
              'application/x-pem-file': {
                schema: Type.String({
                  examples: [
                    '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n',
                  ],
                }),
              },
            },
          },
          ...problems('not_found'),
        },
      },
    },
    async (request, reply) => {
      const { kid } = request.params as { kid: string };
      await keyring.refresh();
      const key = keyring.publicKey(kid);
      if (key === undefined)
        throw new PortageError('not_found', `No signing key "${kid}"; see /v1/signing-keys.`);
      return reply.type('application/x-pem-file').send(key.publicKeyPem);
    },
  );
}
