import type { DerivedRows } from '../row-sink.js';
import { ipAddress, recordAudit, userAgent } from './audit-events.js';
import { pickUser, type SeedContext, type TenantState } from './seed-context.js';
import { DEMO_END_MS, DEMO_EPOCH_MS } from './timestamps.js';

const DAY = 86_400_000;
const SCOPES = ['["tasks:read"]', '["tasks:read","tasks:write"]', '["admin"]'];

/**
 * Fills the tables the catalog excludes as credentials or ephemeral: `api_keys`
 * and `sessions` (each sign-in is also recorded in `audit_events`). The derived
 * tables are filled by {@link seedDerived}.
 */
export async function seedInternal(ctx: SeedContext): Promise<void> {
  await ctx.eachTenantRow(
    (s) => s.profile.apiKeys,
    (s, i) => seedApiKey(ctx, s, i),
  );
  await ctx.eachTenantRow(
    (s) => s.profile.users,
    (s, i) => seedSession(ctx, s, i),
  );
}

function seedApiKey(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const created = DEMO_EPOCH_MS + (i + 1) * 90 * DAY;
  ctx.insert('api_keys', {
    id: ctx.nextId('api_keys'),
    tenant_id: profile.tenant.id,
    user_id: i % 3 === 2 ? null : pickUser(state),
    name: i === 0 ? 'CI pipeline' : `Integration ${i + 1}`,
    key_prefix: `at_live_${rng.hex(6)}`,
    key_hash: rng.hex(64),
    scopes: SCOPES[i % SCOPES.length] ?? '[]',
    created_at: ctx.stamp(created),
    last_used_at: ctx.maybeStamp(rng, 0.3, created + rng.int(300) * DAY),
    revoked_at: i === 1 ? ctx.stamp(created + 400 * DAY) : null,
  });
}

function seedSession(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const created = DEMO_END_MS - rng.int(14 * DAY);
  const userId = state.userIds[i] ?? pickUser(state);
  ctx.insert('sessions', {
    id: ctx.nextId('sessions'),
    tenant_id: profile.tenant.id,
    user_id: userId,
    token_hash: rng.hex(64),
    ip_address: ipAddress(rng),
    user_agent: userAgent(rng),
    created_at: ctx.stamp(created),
    expires_at: ctx.stamp(created + 14 * DAY),
  });
  recordAudit(ctx, state, {
    action: 'user.signed_in',
    targetType: 'user',
    targetId: String(userId),
    at: created,
    metadata: `{"method":"${i % 7 === 3 ? 'sso' : 'password'}","mfa":${i % 2 === 0}}`,
  });
}

/**
 * Fills the derived tables from the data already written: `search_index` (one
 * row per live task and comment, by the sink's own query) and `project_stats`
 * (counts per project, gathered while the tasks were written).
 */
export async function seedDerived(ctx: SeedContext): Promise<void> {
  const indexedAt = '2025-06-30T02:00:00Z';
  await ctx.sink.derive(searchIndexRows(indexedAt));
  for (const row of ctx.projectStats.rows(indexedAt)) ctx.insert('project_stats', row);
  await ctx.sink.flush();
}

/**
 * `search_index`: one row per live task, then one per live comment, each in id
 * order, ids counting from 1, the same in SQLite and PostgreSQL.
 */
function searchIndexRows(indexedAt: string): DerivedRows {
  return {
    params: [indexedAt],
    sqlite: [
      `INSERT INTO search_index (tenant_id, source_type, source_id, content, indexed_at)
       SELECT tenant_id, 'task', id, substr(title || ' ' || coalesce(description, ''), 1, 160), ?
       FROM tasks WHERE deleted_at IS NULL ORDER BY id`,
      `INSERT INTO search_index (tenant_id, source_type, source_id, content, indexed_at)
       SELECT tenant_id, 'comment', id, substr(body, 1, 160), ?
       FROM comments WHERE deleted_at IS NULL ORDER BY id`,
    ],
    mysql: [
      `INSERT INTO search_index (id, tenant_id, source_type, source_id, content, indexed_at)
       SELECT row_number() OVER (ORDER BY id), tenant_id, 'task', id,
              substr(concat(title, ' ', coalesce(description, '')), 1, 160), ?
       FROM tasks WHERE deleted_at IS NULL`,
      `INSERT INTO search_index (id, tenant_id, source_type, source_id, content, indexed_at)
       SELECT s.n + row_number() OVER (ORDER BY c.id), c.tenant_id, 'comment', c.id,
              substr(c.body, 1, 160), ?
       FROM comments c, (SELECT count(*) AS n FROM search_index) AS s
       WHERE c.deleted_at IS NULL`,
    ],
    postgres: (on) => [
      `INSERT INTO ${on('search_index')} (id, tenant_id, source_type, source_id, content, indexed_at)
       SELECT row_number() OVER (ORDER BY id), tenant_id, 'task', id,
              substr(title || ' ' || coalesce(description, ''), 1, 160), $1::timestamptz
       FROM ${on('tasks')} WHERE deleted_at IS NULL`,
      `INSERT INTO ${on('search_index')} (id, tenant_id, source_type, source_id, content, indexed_at)
       SELECT (SELECT count(*) FROM ${on('search_index')}) + row_number() OVER (ORDER BY id),
              tenant_id, 'comment', id, substr(body, 1, 160), $1::timestamptz
       FROM ${on('comments')} WHERE deleted_at IS NULL`,
    ],
  };
}
