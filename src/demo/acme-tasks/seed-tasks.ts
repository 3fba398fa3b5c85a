import { attachmentFile, storeAttachment } from './attachment-files.js';
import {
  HARD_CUSTOM_FIELDS,
  HARD_DESCRIPTIONS,
  HARD_TAGS,
  HARD_TEXTS,
  longCommentBody,
} from './hard-cases.js';
import { recordAudit } from './audit-events.js';
import type { Prng } from '../prng.js';
import { pickUser, type SeedContext, type TenantState } from './seed-context.js';
import { DEMO_END_MS, DEMO_EPOCH_MS, formatDate } from './timestamps.js';
import { TAGS, prose, taskTitle } from './vocabulary.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPAN = DEMO_END_MS - DEMO_EPOCH_MS - 30 * DAY;
const STATUSES = ['todo', 'in_progress', 'in_review', 'done', 'done', 'done'];
const POINTS = ['0.25', '0.50', '1.00', '2.00', '3.00', '5.00', '8.00', '13.00'];
const TEAMS = ['core', 'growth', 'platform', 'équipe-ü'];

const PROGRESS_EVERY = 100_000;

/**
 * Fills `tasks` and, task by task, its `comments`, `task_labels`, `attachments`
 * (a capped few per tenant, written as files) and `audit_events`. One pass,
 * flat memory: nothing but the current row is held.
 */
export async function seedTasks(ctx: SeedContext): Promise<void> {
  const total = ctx.tenants.reduce((sum, s) => sum + s.profile.tasks, 0);
  const longBody = longCommentBody();
  let done = 0;
  await ctx.eachTenantRow(
    (s) => s.profile.tasks,
    (state, i) => {
      seedTask(ctx, state, i, longBody);
      if (++done % PROGRESS_EVERY === 0) ctx.progress(`tasks: ${done} of ${total}`);
    },
  );
  ctx.progress(`tasks: ${total} of ${total}`);
}

function seedTask(ctx: SeedContext, state: TenantState, i: number, longBody: string): void {
  const { rng, profile } = state;
  const tenant = profile.tenant.id;
  const id = ctx.nextId('tasks');
  const created = DEMO_EPOCH_MS + Math.floor(((i + rng.next()) * SPAN) / profile.tasks);
  const p = rng.int(state.projectIds.length);
  const projectId = state.projectIds[p] ?? 0;
  const number = state.projectNumbers[p] ?? 1;
  state.projectNumbers[p] = number + 1;
  const lastInProject = state.projectLastTask[p] ?? 0;
  state.projectLastTask[p] = id;
  const status = rng.pick(STATUSES);
  const deleted = i % 31 === 7;
  const task = {
    id,
    tenant_id: tenant,
    project_id: projectId,
    parent_task_id: lastInProject > 0 && rng.chance(0.1) ? lastInProject : null,
    number,
    title: HARD_TEXTS[i] ?? taskTitle(rng),
    description:
      i < 30 ? (HARD_DESCRIPTIONS[i % HARD_DESCRIPTIONS.length] ?? null) : description(rng),
    status,
    priority: rng.int(5),
    assignee_id: rng.chance(0.2) ? null : pickUser(state),
    reporter_id: pickUser(state),
    estimate_points: rng.chance(0.3) ? null : rng.pick(POINTS),
    tags: HARD_TAGS[i] ?? tags(rng),
    custom_fields: HARD_CUSTOM_FIELDS[i] ?? customFields(rng),
    due_date: rng.chance(0.5) ? null : formatDate(created + rng.between(1, 60) * DAY),
    completed_at: status === 'done' ? ctx.stamp(created + rng.between(1, 400) * HOUR) : null,
    created_at: ctx.stamp(created),
    updated_at: ctx.stamp(created + rng.int(20 * DAY)),
    deleted_at: deleted ? ctx.stamp(created + 25 * DAY) : null,
  };
  ctx.insert('tasks', task);
  if (!deleted) ctx.projectStats.addLiveTask(projectId, status, task.updated_at);

  const comments = i === 3 ? 2 : rng.int(4);
  let firstComment: number | null = null;
  for (let k = 0; k < comments; k++) {
    const commentId = ctx.nextId('comments');
    firstComment ??= commentId;
    const at = created + (k + 1) * rng.between(1, 72) * HOUR;
    const body =
      i === 3 && k === 0 && profile.slot === 0
        ? longBody
        : i < 20
          ? (HARD_TEXTS[(i + k) % HARD_TEXTS.length] ?? '')
          : prose(rng, 3);
    const comment = {
      id: commentId,
      tenant_id: tenant,
      task_id: id,
      author_id: rng.chance(0.04) ? null : pickUser(state),
      body,
      body_format: rng.chance(0.7) ? 'markdown' : 'plain',
      created_at: ctx.stamp(at),
      edited_at: rng.chance(0.15) ? ctx.stamp(at + rng.between(1, 600) * 60_000) : null,
      deleted_at: deleted || rng.chance(0.02) ? ctx.stamp(at + DAY) : null,
    };
    ctx.insert('comments', comment);
    if (comment.deleted_at === null) ctx.projectStats.addLiveComment(projectId);
  }

  const labelCount = Math.min(rng.int(3), state.labelIds.length);
  const first = rng.int(state.labelIds.length);
  for (let k = 0; k < labelCount; k++) {
    ctx.insert('task_labels', {
      task_id: id,
      label_id: state.labelIds[(first + k) % state.labelIds.length] ?? 0,
      added_by: rng.chance(0.1) ? null : pickUser(state),
      added_at: ctx.stamp(created + k * 60_000),
    });
  }

  if (i < profile.attachments) {
    const attachmentId = ctx.nextId('attachments');
    const file = attachmentFile(tenant, i);
    const stored = storeAttachment(ctx.filesDir, tenant, attachmentId, file);
    ctx.insert('attachments', {
      id: attachmentId,
      tenant_id: tenant,
      task_id: id,
      comment_id: i % 2 === 1 ? firstComment : null,
      uploaded_by: i === 2 ? null : pickUser(state),
      filename: file.filename,
      content_type: file.contentType,
      byte_size: stored.byteSize,
      sha256: stored.sha256,
      storage_key: stored.storageKey,
      created_at: ctx.stamp(created + HOUR),
    });
  }

  if (i < HARD_CUSTOM_FIELDS.length || rng.chance(0.5)) {
    const change = HARD_CUSTOM_FIELDS[i] ?? `{"status":["todo","${status}"]}`;
    recordAudit(ctx, state, {
      action: 'task.created',
      targetType: 'task',
      targetId: String(id),
      at: created,
      metadata: `{"changes":${change},"project_id":${projectId},"number":${number}}`,
    });
  }
  if (deleted) {
    recordAudit(ctx, state, {
      action: 'task.deleted',
      targetType: 'task',
      targetId: String(id),
      at: created + 25 * DAY,
      metadata: '{"soft":true,"restorable_until":null}',
    });
  }
}

function description(rng: Prng): string | null {
  const n = rng.int(20);
  if (n < 3) return null;
  if (n === 3) return '';
  return prose(rng, 4);
}

function tags(rng: Prng): string {
  if (rng.chance(0.3)) return '[]';
  const first = rng.int(TAGS.length);
  const count = rng.between(1, 3);
  const out: string[] = [];
  for (let k = 0; k < count; k++) out.push(`"${TAGS[(first + k * 3) % TAGS.length] ?? ''}"`);
  return `[${out.join(',')}]`;
}

function customFields(rng: Prng): string {
  if (rng.chance(0.4)) return '{}';
  const points = rng.int(13);
  const team = rng.pick(TEAMS);
  return rng.chance(0.5)
    ? `{"team":"${team}","story_points":${points},"reviewed":${rng.chance(0.5)}}`
    : `{"story_points":${points},"team":"${team}","links":[{"rel":"spec","url":"https://example.com/${points}"}]}`;
}
