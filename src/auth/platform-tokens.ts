import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { ConfigError, type PlatformTokenSettings } from '../config/index.js';
import { PortageError, toError } from '../errors/index.js';

/** The signature algorithms a platform token may use; anything else (`none`, HS256…) is refused. */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** Clock skew allowed between the identity provider and Portage on `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** Longest tenant id a token may name. */
const MAX_TENANT_LENGTH = 200;

/** The key set could not be had: the provider's JWKS URL failed, answered badly or too slowly. */
class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
}

const challenge = {
  headers: { 'WWW-Authenticate': 'Bearer realm="portage", error="invalid_token"' },
};

/**
 * Verifies JWTs issued by the platform's identity provider (`PORTAGE_AUTH_*`):
 * the signature with one of {@link TOKEN_ALGORITHMS} against the provider's
 * key set, `exp` (required) and `nbf`, the issuer and the audience; the tenant
 * is the configured claim.
 */
export class PlatformTokens {
  private readonly keys: JWTVerifyGetKey;

  /** @throws {ConfigError} when the JWKS file does not hold a usable key set. */
  constructor(private readonly settings: PlatformTokenSettings) {
    this.keys = 'file' in settings.jwks ? localKeys(settings.jwks.file) : remoteKeys(settings);
  }

  /**
   * The tenant a token names, once it verifies at `now`.
   * @throws PortageError `unauthorized` for a token that does not verify;
   *   `identity_provider_unavailable` when the key set could not be fetched.
   */
  async tenantOf(token: string, now: Date): Promise<string> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: [...TOKEN_ALGORITHMS],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
      }));
    } catch (thrown) {
      throw refusal(toError(thrown));
    }
    const claim = payload[this.settings.tenantClaim];
    const tenant = typeof claim === 'number' && Number.isSafeInteger(claim) ? String(claim) : claim;
    if (
      typeof tenant !== 'string' ||
      tenant === '' ||
      tenant.length > MAX_TENANT_LENGTH ||
      /\p{Cc}/u.test(tenant)
    ) {
      throw new PortageError(
        'unauthorized',
        `The token's "${this.settings.tenantClaim}" claim does not name a tenant.`,
        challenge,
      );
    }
    return tenant;
  }
}

function localKeys(file: string): JWTVerifyGetKey {
  try {
    return createLocalJWKSet(
      JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof createLocalJWKSet>[0],
    );
  } catch (error) {
    throw new ConfigError(
      `PORTAGE_AUTH_JWKS: ${file} holds no usable key set (${toError(error).message})`,
      {
        cause: error,
      },
    );
  }
}

/** A fetched, cached key set; any failure to get it (not a missing key) is the provider's. */
function remoteKeys(settings: PlatformTokenSettings): JWTVerifyGetKey {
  const url = new URL((settings.jwks as { url: string }).url);
  const remote = createRemoteJWKSet(url, { timeoutDuration: settings.jwksTimeoutMs });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (thrown) {
      const error = toError(thrown);
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      )
        throw error;
      throw new KeySetUnavailable(
        error instanceof errors.JWKSTimeout
          ? `no answer from ${url.origin} within ${settings.jwksTimeoutMs} ms`
          : error.message,
        { cause: error },
      );
    }
  };
}

/** The answer to a token that did not verify, saying why without echoing the token. */
function refusal(error: Error): PortageError {
  if (error instanceof KeySetUnavailable) {
    return new PortageError(
      'identity_provider_unavailable',
      `The identity provider's key set could not be fetched to check this token (${error.message}); try again shortly.`,
      { headers: { 'Retry-After': '5' }, cause: error },
    );
  }
  let reason = 'it is not a valid signed JWT';
  if (error instanceof errors.JWTExpired) reason = 'it has expired';
  else if (error instanceof errors.JWTClaimValidationFailed) {
    reason =
      error.claim === 'nbf'
        ? 'it is not valid yet (nbf)'
        : error.claim === 'iss'
          ? 'its issuer (iss) is not the expected one'
          : error.claim === 'aud'
            ? 'its audience (aud) is not this deployment'
            : error.claim === 'exp'
              ? 'it has no expiry (exp)'
              : `its "${error.claim}" claim is invalid`;
  } else if (error instanceof errors.JOSEAlgNotAllowed) {
    reason = `its algorithm is not one of ${TOKEN_ALGORITHMS.join(', ')}`;
  } else if (error instanceof errors.JWSSignatureVerificationFailed) {
    reason = 'its signature does not verify';
  } else if (error instanceof errors.JWKSNoMatchingKey) {
    reason = 'no key of the identity provider matches it';
  }
  return new PortageError('unauthorized', `This token is refused: ${reason}.`, {
    ...challenge,
    cause: error,
  });
}
