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
export function seedInternal(ctx: SeedContext): void {
  ctx.transaction(() => {
    ctx.eachTenantRow(
      (s) => s.profile.apiKeys,
      (s, i) => seedApiKey(ctx, s, i),
    );
    ctx.eachTenantRow(
      (s) => s.profile.users,
      (s, i) => seedSession(ctx, s, i),
    );
  });
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
 * row per live task and comment) and `project_stats` (counts per project).
 */
export function seedDerived(ctx: SeedContext): void {
  const indexedAt = '2025-06-30T02:00:00Z';
  ctx.transaction(() => {
    ctx.db
      .prepare(
        `INSERT INTO search_index (tenant_id, source_type, source_id, content, indexed_at)
         SELECT tenant_id, 'task', id, substr(title || ' ' || coalesce(description, ''), 1, 160), ?
         FROM tasks WHERE deleted_at IS NULL ORDER BY id`,
      )
      .run(indexedAt);
    ctx.db
      .prepare(
        `INSERT INTO search_index (tenant_id, source_type, source_id, content, indexed_at)
         SELECT tenant_id, 'comment', id, substr(body, 1, 160), ?
         FROM comments WHERE deleted_at IS NULL ORDER BY id`,
      )
      .run(indexedAt);
    ctx.db
      .prepare(
        `INSERT INTO project_stats
           (project_id, tenant_id, open_tasks, done_tasks, comment_count, last_activity_at, computed_at)
         SELECT p.id, p.tenant_id,
                coalesce(t.open_tasks, 0), coalesce(t.done_tasks, 0), coalesce(c.comments, 0),
                t.last_activity_at, ?
         FROM projects p
         LEFT JOIN (SELECT project_id,
                           sum(CASE WHEN status = 'done' THEN 0 ELSE 1 END) AS open_tasks,
                           sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done_tasks,
                           max(updated_at) AS last_activity_at
                    FROM tasks WHERE deleted_at IS NULL GROUP BY project_id) t ON t.project_id = p.id
         LEFT JOIN (SELECT tk.project_id, count(*) AS comments
                    FROM comments cm JOIN tasks tk ON tk.id = cm.task_id
                    WHERE cm.deleted_at IS NULL GROUP BY tk.project_id) c ON c.project_id = p.id
         ORDER BY p.id`,
      )
      .run(indexedAt);
  });
}
