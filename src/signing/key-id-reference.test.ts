import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { calculateJwkThumbprint } from 'jose';
import { expect, test } from 'vitest';
import { keyId, publicJwk } from './key-id.js';

// Ours is kept (synchronous, no dependency); jose's RFC 7638 thumbprint is the reference.
test('keyId is the JWK thumbprint jose computes, for generated Ed25519 keys', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constant(null), async () => {
      const { publicKey } = generateKeyPairSync('ed25519');
      expect(keyId(publicKey)).toBe(await calculateJwkThumbprint(publicJwk(publicKey), 'sha256'));
    }),
    { numRuns: 50 },
  );
});
