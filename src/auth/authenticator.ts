import type { Catalog } from '../catalog/index.js';
import type { Settings } from '../config/index.js';
import { PortageError } from '../errors/index.js';
import { requireTenantAccount } from '../jobs/require-tenant.js';
import type { SourceDatabase } from '../sources/index.js';
import type { Store } from '../store/index.js';
import { PlatformTokens } from './platform-tokens.js';

/** What {@link Authenticator} reads: the keys in the state, and the platform's accounts. */
export interface AuthDeps {
  readonly settings: Settings;
  readonly store: Store;
  readonly source: SourceDatabase;
  readonly catalog: Catalog;
}

/** Who a request acts for, and what vouched for it. */
export interface Caller {
  readonly tenant: string;
  /** `key`: a Portage API key; `token`: a JWT of the platform's identity provider. */
  readonly via: 'key' | 'token';
}

/** Three base64url segments: a compact JWS (the third empty for `alg: none`). */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const challenge = { headers: { 'WWW-Authenticate': 'Bearer realm="portage"' } };
const invalid = {
  headers: { 'WWW-Authenticate': 'Bearer realm="portage", error="invalid_token"' },
};

/**
 * Turns an `Authorization` header into the tenant it authorises: a Portage API
 * key (checked against the state on every request, so a revoked or expired key
 * is refused at once in every process) or, with `PORTAGE_AUTH_JWKS` set, a JWT
 * of the platform's identity provider naming an existing tenant.
 */
export class Authenticator {
  private readonly tokens: PlatformTokens | null;

  /** @param clock the time keys and tokens are checked at. (Default: the system clock) */
  constructor(
    private readonly deps: AuthDeps,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const settings = deps.settings.platformTokens;
    this.tokens = settings === null ? null : new PlatformTokens(settings);
  }

  /**
   * The caller an `Authorization` header names.
   * @throws PortageError `unauthorized` (401) for a missing, unknown, revoked or
   *   expired credential; `tenant_not_found` (403) for a token naming a tenant
   *   the platform holds no account for; `identity_provider_unavailable` (503).
   */
  async authenticate(header: string | undefined): Promise<Caller> {
    const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const credential = match?.[1];
    if (credential === undefined) {
      throw new PortageError(
        'unauthorized',
        'Send your API key as `Authorization: Bearer <key>`.',
        challenge,
      );
    }
    if (COMPACT_JWT.test(credential)) {
      if (this.tokens === null) {
        throw new PortageError(
          'unauthorized',
          'This bearer token is not an API key, and this deployment accepts no identity-provider tokens.',
          invalid,
        );
      }
      const tenant = await this.tokens.tenantOf(credential, this.clock());
      await this.requireTenant(tenant);
      return { tenant, via: 'token' };
    }
    const check = await this.deps.store.keys.check(credential, this.clock());
    if (check.ok) return { tenant: check.tenant, via: 'key' };
    const detail =
      check.reason === 'unknown'
        ? 'This API key is not known.'
        : check.reason === 'revoked'
          ? `This API key was revoked at ${check.at}.`
          : `This API key expired at ${check.at}.`;
    throw new PortageError('unauthorized', detail, invalid);
  }

  /**
   * A token's tenant must exist (SPEC §12.4); one Portage has not met yet is
   * registered once the platform's account row is found.
   */
  private async requireTenant(tenant: string): Promise<void> {
    const { store } = this.deps;
    if ((await store.tenants.get(tenant)) !== null) return;
    await requireTenantAccount(this.deps, tenant);
    await store.tenants.upsert(tenant, tenant);
  }
}
