import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isoTime } from './ids.js';
import type { StateDatabase } from './schema.js';

/** A cookie session on the customer's page. */
export interface PortalSession {
  readonly tenantId: string;
  /** Where the page's "back" link leads, as the platform asked; null for none. */
  readonly returnUrl: string | null;
  readonly expiresAt: string;
  /** sha256 hex of the cookie's token: what the store keeps, and what the CSRF token derives from. */
  readonly tokenHash: string;
}

/** What opening a one-time link found. */
export type OpenLinkResult =
  | { readonly kind: 'opened'; readonly token: string; readonly session: PortalSession }
  | { readonly kind: 'used' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'unknown' };

/** What a session cookie names. */
export type SessionLookup =
  | { readonly kind: 'active'; readonly session: PortalSession }
  | { readonly kind: 'expired' }
  | { readonly kind: 'unknown' };

/** The stored form of a link or session token. */
export function hashPortalToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Rows past their expiry by this long are deleted when a new link is made. */
const KEEP_EXPIRED_MS = 24 * 3600 * 1000;

/**
 * One-time links to the customer's page and the cookie sessions they start.
 * Tokens are returned once; only their sha256 is stored, so a copy of the
 * database opens no session.
 */
export class PortalStore {
  constructor(private readonly db: Kysely<StateDatabase>) {}

  /** A new link for `tenantId`, valid for `lifetimeSeconds` and one opening. */
  async createLink(
    tenantId: string,
    returnUrl: string | null,
    lifetimeSeconds: number,
    now = new Date(),
  ): Promise<{ token: string; expiresAt: string }> {
    const token = newToken();
    const expiresAt = isoTime(new Date(now.getTime() + lifetimeSeconds * 1000));
    const stale = isoTime(new Date(now.getTime() - KEEP_EXPIRED_MS));
    await this.db.deleteFrom('portal_links').where('expires_at', '<', stale).execute();
    await this.db.deleteFrom('portal_sessions').where('expires_at', '<', stale).execute();
    await this.db
      .insertInto('portal_links')
      .values({
        token_hash: hashPortalToken(token),
        tenant_id: tenantId,
        return_url: returnUrl,
        created_at: isoTime(now),
        expires_at: expiresAt,
        consumed_at: null,
      })
      .execute();
    return { token, expiresAt };
  }

  /**
   * Opens a link: marks it consumed and starts a session of `sessionSeconds`.
   * Of two concurrent openings only one starts a session: the conditional
   * update succeeds for exactly one of them.
   */
  async openLink(token: string, sessionSeconds: number, now = new Date()): Promise<OpenLinkResult> {
    const tokenHash = hashPortalToken(token);
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('portal_links')
        .set({ consumed_at: isoTime(now) })
        .where('token_hash', '=', tokenHash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', isoTime(now))
        .returning(['tenant_id', 'return_url'])
        .executeTakeFirst();
      if (claimed === undefined) {
        const row = await trx
          .selectFrom('portal_links')
          .select(['consumed_at'])
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (row === undefined) return { kind: 'unknown' } as const;
        return { kind: row.consumed_at === null ? 'expired' : 'used' } as const;
      }
      const sessionToken = newToken();
      const session: PortalSession = {
        tenantId: claimed.tenant_id,
        returnUrl: claimed.return_url,
        expiresAt: isoTime(new Date(now.getTime() + sessionSeconds * 1000)),
        tokenHash: hashPortalToken(sessionToken),
      };
      await trx
        .insertInto('portal_sessions')
        .values({
          token_hash: session.tokenHash,
          tenant_id: session.tenantId,
          return_url: session.returnUrl,
          created_at: isoTime(now),
          expires_at: session.expiresAt,
        })
        .execute();
      return { kind: 'opened', token: sessionToken, session } as const;
    });
  }

  /** The session a cookie's token names, if it is still running. */
  async session(token: string, now = new Date()): Promise<SessionLookup> {
    const tokenHash = hashPortalToken(token);
    const row = await this.db
      .selectFrom('portal_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return { kind: 'unknown' };
    if (row.expires_at <= isoTime(now)) return { kind: 'expired' };
    return {
      kind: 'active',
      session: {
        tenantId: row.tenant_id,
        returnUrl: row.return_url,
        expiresAt: row.expires_at,
        tokenHash,
      },
    };
  }

  /** Ends a session at once (the page's "sign out"). */
  async endSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash).execute();
  }
}
