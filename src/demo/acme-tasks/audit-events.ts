import type { Prng } from '../prng.js';
import { pickUser, type SeedContext, type TenantState } from './seed-context.js';

const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
  'AcmeTasks-iOS/4.2.1 (iPhone; iOS 17.5)',
  'curl/8.7.1',
  null,
];

/** One entry of the audit trail. */
export interface AuditEntry {
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  /** Instant of the event, in milliseconds since the epoch. */
  readonly at: number;
  /** Raw JSON text, written as given so its key order is kept. */
  readonly metadata: string;
}

/** Appends an `audit_events` row for the tenant; about 5% have no actor (system events). */
export function recordAudit(ctx: SeedContext, state: TenantState, entry: AuditEntry): void {
  const { rng } = state;
  ctx.insert('audit_events', {
    id: ctx.nextId('audit_events'),
    tenant_id: state.profile.tenant.id,
    actor_id: rng.chance(0.05) ? null : pickUser(state),
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    ip_address: ipAddress(rng),
    user_agent: rng.pick(AGENTS),
    metadata: entry.metadata,
    occurred_at: ctx.stamp(entry.at),
  });
}

/** An IPv4 or IPv6 address from the documentation ranges, or null. */
export function ipAddress(rng: Prng): string | null {
  const n = rng.int(10);
  if (n === 0) return null;
  if (n < 3) return `2001:db8::${rng.hex(4)}`;
  return `203.0.113.${rng.int(256)}`;
}

/** A user agent string, or null. */
export function userAgent(rng: Prng): string | null {
  return rng.pick(AGENTS);
}
