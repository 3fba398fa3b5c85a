import { maybePick, type NorthwindContext, type OrgState } from './seed-context.js';
import {
  dateOf,
  fixed,
  HARD_TEXT,
  money,
  NORTHWIND_END_MS,
  NORTHWIND_EPOCH_MS,
  stampBetween,
  uuidFrom,
} from './values.js';

const DAY = 86_400_000;
const AMOUNTS = [10, 8_247_200, 99_999_999_999_999, 0, -15_000];
const PRODUCTS = [
  'Seat licence',
  'Onboarding, remote',
  'Support "Gold"',
  'Überweisung fee',
  '保守',
];
const ROLES = ['Decision maker', 'Champion', 'Legal', null, ''];
const KINDS = ['call', 'email', 'meeting', 'task'];

/**
 * Deals (closed, open and deleted), the contacts on each deal, quote lines,
 * notes answered in threads, and activities.
 */
export async function seedDeals(ctx: NorthwindContext): Promise<void> {
  await ctx.eachOrgRow(
    (org) => org.profile.deals,
    (org, i) => seedDeal(ctx, org, i),
  );
  await ctx.eachOrgRow(
    (org) => org.profile.deals * 2,
    (org, i) => seedActivity(ctx, org, i),
  );
}

function seedDeal(ctx: NorthwindContext, org: OrgState, i: number): void {
  const { rng } = org;
  const id = uuidFrom(rng);
  org.deals.push(id);
  const pipeline = org.pipelines[i % org.pipelines.length]!;
  const stage = pipeline.stages[rng.int(pipeline.stages.length)]!;
  const created = NORTHWIND_EPOCH_MS + rng.int(800) * DAY;
  const status = stage.closesAs ?? 'open';
  const cents =
    i < AMOUNTS.length
      ? AMOUNTS[i]!
      : rng.between(100, 50_000) * 100 + (i % 3 === 0 ? rng.int(100) : 0);
  ctx.insert('deals', {
    id,
    pipeline_id: pipeline.id,
    stage_position: stage.position,
    company_id: maybePick(org, org.companies, 0.1),
    owner_id: maybePick(org, org.members, 0.1),
    title: i < HARD_TEXT.length ? HARD_TEXT[i]! : `Deal ${i + 1}: ${rng.pick(PRODUCTS)}`,
    amount: money(cents),
    currency: i % 5 === 4 ? 'EUR' : 'NOK',
    status,
    expected_close_on: i % 4 === 3 ? null : dateOf(created + rng.int(120) * DAY),
    custom_fields:
      i === 0
        ? // An integer beyond 2^53, as an ERP writes it: only exact JSON reading keeps it.
          '{"nested": {"ключ": "значение", "empty": {}}, "weights": [0.25, 1.5], "erp_id": 12345678901234567890}'
        : JSON.stringify(
            i % 3 === 0
              ? {
                  source: rng.pick(['web', 'referral', 'trade fair']),
                  priority: rng.int(5),
                  flags: [true, null],
                }
              : {},
          ),
    created_at: stampBetween(rng, created, created + DAY),
    closed_at: status === 'open' ? null : stampBetween(rng, created + DAY, NORTHWIND_END_MS),
    deleted_at: i % 13 === 12 ? stampBetween(rng, created + DAY, NORTHWIND_END_MS) : null,
  });

  const onDeal = new Set<string>();
  const people = i % 2 === 0 ? 2 : 1;
  for (let c = 0; c < people && org.contacts.length > 0; c++) {
    const contact = org.contacts[rng.int(org.contacts.length)]!;
    if (onDeal.has(contact)) continue;
    onDeal.add(contact);
    ctx.insert('deal_contacts', {
      deal_id: id,
      contact_id: contact,
      role: ROLES[(i + c) % ROLES.length]!,
      is_primary: c === 0 ? 1 : 0,
      added_at: stampBetween(rng, created, created + 3 * DAY),
    });
  }

  const lines = i % 3 === 1 ? 0 : i % 3 === 0 ? 1 : 2;
  for (let l = 0; l < lines; l++) {
    ctx.insert('quote_lines', {
      id: uuidFrom(rng),
      deal_id: id,
      position: l + 1,
      product_name: rng.pick(PRODUCTS),
      quantity: fixed(i === 0 ? 1000 : rng.between(1, 400) * 125, 3),
      unit_price: money(i === 0 ? 10 : rng.between(1, 99_999) * 10),
      discount_rate: fixed(i === 0 ? 500 : rng.int(3) * 1250, 4),
    });
  }

  seedNotes(ctx, org, id, i, created);
}

/**
 * A deal's notes. A thread's reply sometimes has a smaller id than the note it
 * answers (written first), as happens when notes are merged from another
 * system: an import must not assume parents come first.
 */
function seedNotes(
  ctx: NorthwindContext,
  org: OrgState,
  deal: string,
  i: number,
  created: number,
): void {
  const { rng } = org;
  const note = (id: number, parent: number | null, body: string, deleted: boolean) =>
    ctx.insert('deal_notes', {
      id,
      deal_id: deal,
      parent_note_id: parent,
      author_id: maybePick(org, org.members, 0.15),
      body,
      is_pinned: parent === null && i % 4 === 0 ? 1 : 0,
      created_at: stampBetween(rng, created, NORTHWIND_END_MS),
      edited_at: rng.chance(0.7) ? null : stampBetween(rng, created, NORTHWIND_END_MS),
      deleted_at: deleted ? stampBetween(rng, created, NORTHWIND_END_MS) : null,
    });
  switch (i % 4) {
    case 0: {
      const reply = ctx.nextId('deal_notes');
      const parent = ctx.nextId('deal_notes');
      note(reply, parent, 'Agreed — sending the revised quote, «v2».', false);
      note(
        parent,
        null,
        i < HARD_TEXT.length ? HARD_TEXT[i]! : 'Customer wants a 3-year term.',
        i % 8 === 4,
      );
      break;
    }
    case 1: {
      const parent = ctx.nextId('deal_notes');
      note(parent, null, 'Call notes:\n- budget approved\n- legal review, "standard" DPA', false);
      note(ctx.nextId('deal_notes'), parent, 'Legal is done.', false);
      note(ctx.nextId('deal_notes'), parent, '', i % 8 === 5);
      break;
    }
    case 2:
      note(ctx.nextId('deal_notes'), null, 'Intro meeting booked.', false);
      break;
    default:
      break;
  }
}

function seedActivity(ctx: NorthwindContext, org: OrgState, i: number): void {
  const { rng } = org;
  const kind = KINDS[i % KINDS.length]!;
  ctx.insert('activities', {
    id: ctx.nextId('activities'),
    organization_id: org.profile.tenant.id,
    kind,
    subject:
      i < HARD_TEXT.length ? HARD_TEXT[i]! : `${kind[0]!.toUpperCase()}${kind.slice(1)} #${i + 1}`,
    contact_id: maybePick(org, org.contacts, 0.3),
    deal_id: maybePick(org, org.deals, 0.3),
    member_id: maybePick(org, org.members, 0.1),
    duration_seconds: kind === 'email' || kind === 'task' ? null : rng.between(60, 7200),
    occurred_at: stampBetween(rng, NORTHWIND_EPOCH_MS, NORTHWIND_END_MS),
  });
}
