import { maybePick, type NorthwindContext, type OrgState } from './seed-context.js';
import {
  dateOf,
  fixed,
  HARD_TEXT,
  microStamp,
  NORTHWIND_END_MS,
  NORTHWIND_EPOCH_MS,
  stampBetween,
  uuidFrom,
} from './values.js';

const DAY = 86_400_000;
const PLANS = ['enterprise', 'growth', 'starter', 'starter'];
/** Beyond 2^53 for the largest organization: a counter only text carries exactly. */
const API_CALLS = ['9007199254740993', '4294967296', '0', '0'];
const CURRENCIES = ['NOK', 'EUR', 'USD'];
const TAX_RATES = ['0.2500', '0.1900', '0.0825'];
const ROLES = ['owner', 'admin', 'rep', 'rep', 'rep', 'viewer'];
const NAMES = [
  'Åsa Lindqvist',
  'Jean-Luc Picard',
  "Siobhán O'Neill",
  '王小明',
  'Zoë Ndlovu',
  'José Ñúñez',
];
const STAGES = [
  { name: 'Qualified', probability: 1000, rotting: 14, closesAs: null },
  { name: 'Demo, scheduled', probability: 2500, rotting: 10, closesAs: null },
  { name: 'Proposal "sent"', probability: 6000, rotting: null, closesAs: null },
  { name: 'Won', probability: 10000, rotting: null, closesAs: 'won' },
  { name: 'Lost', probability: 0, rotting: null, closesAs: 'lost' },
] as const;

/**
 * Organizations (every one, the sandbox too), members (deactivated ones
 * kept), one settings row per organization with data, pipelines and their
 * stages (positions 10, 20, …: a composite key), API tokens, mailbox sync
 * state, and the platform-wide exchange rates.
 */
export function seedDirectory(ctx: NorthwindContext): void {
  ctx.orgs.forEach((org, slot) => {
    const { tenant } = org.profile;
    ctx.insert('organizations', {
      id: tenant.id,
      name: tenant.name,
      legal_name: slot === 0 ? 'Northwind Traders AS — Avdeling Øst' : slot === 1 ? '' : null,
      plan: PLANS[slot] ?? 'starter',
      seats: [250, 40, 5, 1][slot] ?? 1,
      api_calls_total: API_CALLS[slot] ?? '0',
      created_at: microStamp(NORTHWIND_EPOCH_MS + slot * 37 * DAY, 123 * slot, slot),
    });
    for (let i = 0; i < org.profile.members; i++) seedMember(ctx, org, i);
    if (org.profile.members > 0) seedSettings(ctx, org, slot);
    for (let p = 0; p < org.profile.pipelines; p++) seedPipeline(ctx, org, p);
    for (let t = 0; t < Math.min(2, org.profile.members); t++) {
      ctx.insert('api_tokens', {
        id: uuidFrom(org.rng),
        organization_id: tenant.id,
        member_id: maybePick(org, org.members, 0.3),
        label: t === 0 ? 'Zapier' : 'Data warehouse sync',
        token_hash: `sha256:${org.rng.hex(64)}`,
        created_at: stampBetween(org.rng, NORTHWIND_EPOCH_MS, NORTHWIND_END_MS),
        last_used_at: org.rng.chance(0.3)
          ? null
          : stampBetween(org.rng, NORTHWIND_EPOCH_MS, NORTHWIND_END_MS),
      });
    }
    org.members.forEach((member, m) => {
      if (m % 2 !== 0) return;
      ctx.insert('mailbox_sync_state', {
        member_id: member,
        organization_id: tenant.id,
        provider: m % 4 === 0 ? 'gmail' : 'microsoft365',
        history_cursor: `cur_${org.rng.hex(40)}`,
        synced_at: stampBetween(org.rng, NORTHWIND_END_MS - 7 * DAY, NORTHWIND_END_MS),
      });
    });
  });
  for (const [currency, rate] of [
    ['EUR', 108_123_456],
    ['NOK', 9_412_345],
    ['USD', 100_000_000],
  ] as const) {
    for (let d = 0; d < 5; d++) {
      ctx.insert('exchange_rates', {
        currency,
        rate_date: dateOf(NORTHWIND_END_MS - d * DAY),
        usd_rate: fixed(rate + d * 1017, 8),
      });
    }
  }
}

function seedMember(ctx: NorthwindContext, org: OrgState, i: number): void {
  const { rng } = org;
  const id = uuidFrom(rng);
  org.members.push(id);
  const created = NORTHWIND_EPOCH_MS + rng.int(400) * DAY;
  const deactivated = i > 2 && i % 5 === 4;
  const name = i < NAMES.length ? NAMES[i]! : `Member ${i + 1}`;
  ctx.insert('members', {
    id,
    organization_id: org.profile.tenant.id,
    email:
      i === 3
        ? `zoë.${i}@exämple.com`
        : `member${i + 1}@${org.profile.tenant.name.split(' ')[0]!.toLowerCase().replace(/\W/g, '')}.example`,
    full_name: name,
    role: i === 0 ? 'owner' : ROLES[1 + rng.int(ROLES.length - 1)]!,
    password_digest:
      i % 4 === 3 ? null : `$argon2id$v=19$m=65536,t=3,p=4$${rng.hex(22)}$${rng.hex(43)}`,
    is_active: deactivated ? 0 : 1,
    login_count: i === 0 ? '3000000000' : String(rng.int(5000)),
    last_seen_at: i % 6 === 5 ? null : stampBetween(rng, created, NORTHWIND_END_MS),
    created_at: microStamp(created, rng.int(1000), i),
    deactivated_at: deactivated ? stampBetween(rng, created, NORTHWIND_END_MS) : null,
  });
}

function seedSettings(ctx: NorthwindContext, org: OrgState, slot: number): void {
  ctx.insert('workspace_settings', {
    organization_id: org.profile.tenant.id,
    default_currency: CURRENCIES[slot % CURRENCIES.length]!,
    fiscal_year_start_month: [1, 4, 7][slot % 3]!,
    deal_rotting_days: slot === 2 ? null : 30,
    default_tax_rate: TAX_RATES[slot % TAX_RATES.length]!,
    features: JSON.stringify({
      forecasting: { enabled: slot === 0, horizon_months: 6 },
      lead_scoring: slot !== 1,
      'custom labels': ['Hot 🔥', 'Cold, "very"', null],
    }),
    updated_by: maybePick(org, org.members, 0.2),
    updated_at: stampBetween(org.rng, NORTHWIND_END_MS - 90 * DAY, NORTHWIND_END_MS),
  });
}

function seedPipeline(ctx: NorthwindContext, org: OrgState, p: number): void {
  const { rng } = org;
  const id = uuidFrom(rng);
  ctx.insert('pipelines', {
    id,
    organization_id: org.profile.tenant.id,
    name: ['New business', 'Renewals, upsell', 'Partners (archived)'][p] ?? `Pipeline ${p + 1}`,
    position: p + 1,
    is_default: p === 0 ? 1 : 0,
    webhook_url: p === 1 ? null : `https://hooks.example.com/crm/${rng.hex(12)}`,
    webhook_token: p === 1 ? null : `nwt_live_${rng.hex(40)}`,
    created_at: stampBetween(rng, NORTHWIND_EPOCH_MS, NORTHWIND_EPOCH_MS + 30 * DAY),
    archived_at: p === 2 ? stampBetween(rng, NORTHWIND_END_MS - 60 * DAY, NORTHWIND_END_MS) : null,
  });
  const stages = STAGES.map((stage, s) => ({ ...stage, position: (s + 1) * 10 }));
  // Stages are written in reverse: their rows need not arrive in key order.
  for (const stage of [...stages].reverse()) {
    ctx.insert('pipeline_stages', {
      pipeline_id: id,
      position: stage.position,
      name: p === 1 && stage.position === 20 ? HARD_TEXT[0]! : stage.name,
      win_probability: fixed(stage.probability, 4),
      rotting_days: stage.rotting,
      closes_as: stage.closesAs,
    });
  }
  if (p < 2) org.pipelines.push({ id, stages });
}
