import { HARD_DESCRIPTIONS, HARD_NAMES } from './hard-cases.js';
import { pickUser, type SeedContext, type TenantState } from './seed-context.js';
import { DEMO_END_MS, DEMO_EPOCH_MS } from './timestamps.js';
import { LABELS, PROJECT_NAMES } from './vocabulary.js';

const DAY = 86_400_000;
const PLANS = ['enterprise', 'business', 'team', 'free'];
const COUNTRIES = ['US', 'DE', 'JP', null];
const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];
const TITLES = [null, '', 'Engineer', 'Product Manager', 'Designer', 'Support Lead'];
const ZONES = ['Europe/Paris', 'Asia/Tokyo', 'America/New_York', 'Asia/Kathmandu', null];

/** Fills `accounts`, `users`, `projects` and `labels`, and records their ids per tenant. */
export async function seedDirectory(ctx: SeedContext): Promise<void> {
  for (const state of ctx.tenants) seedAccount(ctx, state);
  await ctx.eachTenantRow(
    (s) => s.profile.users,
    (s, i) => seedUser(ctx, s, i),
  );
  await ctx.eachTenantRow(
    (s) => s.profile.projects,
    (s, i) => seedProject(ctx, s, i),
  );
  await ctx.eachTenantRow(
    (s) => s.profile.labels,
    (s, i) => seedLabel(ctx, s, i),
  );
}

function seedAccount(ctx: SeedContext, state: TenantState): void {
  const { tenant, slot } = state.profile;
  const created = DEMO_EPOCH_MS - (slot + 1) * 30 * DAY;
  ctx.insert('accounts', {
    id: tenant.id,
    name: tenant.name,
    plan: PLANS[slot] ?? 'free',
    billing_email: slot === 3 ? null : slot === 2 ? '' : `billing@${tenant.id}.example`,
    country_code: COUNTRIES[slot] ?? null,
    created_at: ctx.stamp(created),
    updated_at: slot === 3 ? null : ctx.stamp(DEMO_END_MS - slot * DAY),
  });
}

function seedUser(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const id = ctx.nextId('users');
  state.userIds.push(id);
  const hard = HARD_NAMES[i];
  const name = hard ?? `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
  const email =
    i === 0
      ? `zoë.ångström+tasks@${profile.tenant.id}.example`
      : `${i === 1 ? 'Li.XiaoLong' : 'user' + (i + 1)}@${profile.tenant.id}.example`;
  const created = DEMO_EPOCH_MS + Math.floor((i / profile.users) * 365 * DAY);
  const deleted = i % 17 === 5;
  ctx.insert('users', {
    id,
    tenant_id: profile.tenant.id,
    email,
    display_name: name,
    job_title: TITLES[i % TITLES.length] ?? null,
    password_hash:
      i % 7 === 3 ? null : `$argon2id$v=19$m=65536,t=3,p=4$${rng.hex(22)}$${rng.hex(43)}`,
    role: i === 0 ? 'owner' : i < 3 ? 'admin' : rng.chance(0.1) ? 'guest' : 'member',
    is_active: deleted || rng.chance(0.05) ? 0 : 1,
    time_zone: ZONES[i % ZONES.length] ?? null,
    last_login_at: ctx.maybeStamp(rng, 0.2, DEMO_END_MS - rng.int(90) * DAY - rng.int(DAY)),
    created_at: ctx.stamp(created + rng.int(DAY)),
    deleted_at: deleted ? ctx.stamp(created + 400 * DAY) : null,
  });
}

function seedProject(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const id = ctx.nextId('projects');
  state.projectIds.push(id);
  state.projectNumbers.push(1);
  state.projectLastTask.push(0);
  ctx.projectStats.addProject(id, profile.tenant.id);
  const base = PROJECT_NAMES[i % PROJECT_NAMES.length] ?? 'Project';
  const round = Math.floor(i / PROJECT_NAMES.length);
  const name =
    i === 1 ? 'Projet « Été » 2025 — 夏のプロジェクト' : round > 0 ? `${base} ${round + 1}` : base;
  const created = DEMO_EPOCH_MS + Math.floor((i / profile.projects) * 30 * DAY);
  ctx.insert('projects', {
    id,
    tenant_id: profile.tenant.id,
    key: `P${i + 1}`,
    name,
    description: HARD_DESCRIPTIONS[i % HARD_DESCRIPTIONS.length] ?? null,
    owner_id: rng.chance(0.1) ? null : pickUser(state),
    color: i % 4 === 3 ? null : `#${rng.hex(6)}`,
    is_archived: i % 5 === 4 ? 1 : 0,
    created_at: ctx.stamp(created),
    updated_at: ctx.maybeStamp(rng, 0.3, created + rng.int(300) * DAY),
    deleted_at: i % 9 === 7 ? ctx.stamp(created + 500 * DAY) : null,
  });
}

function seedLabel(ctx: SeedContext, state: TenantState, i: number): void {
  const id = ctx.nextId('labels');
  state.labelIds.push(id);
  const [name, color] = LABELS[i % LABELS.length] ?? ['label', '#000000'];
  const round = Math.floor(i / LABELS.length);
  ctx.insert('labels', {
    id,
    tenant_id: state.profile.tenant.id,
    name: round > 0 ? `${name} ${round + 1}` : name,
    color,
    description:
      i % 3 === 0 ? null : i % 3 === 1 ? '' : `Use "${name}" for triage, reporting, etc.`,
    created_at: ctx.stamp(DEMO_EPOCH_MS + i * DAY),
  });
}
