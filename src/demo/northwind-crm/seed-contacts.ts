import type { Prng } from '../prng.js';
import { maybePick, type NorthwindContext, type OrgState } from './seed-context.js';
import {
  dateOf,
  HARD_TEXT,
  LONG_TEXT,
  money,
  NORTHWIND_END_MS,
  NORTHWIND_EPOCH_MS,
  stampBetween,
  uuidFrom,
} from './values.js';

const DAY = 86_400_000;
const INDUSTRIES = ['Logistics', 'Retail', 'Software', 'Food & beverage', 'Maritime'];
const FIRST = ['Ola', 'Kari', 'Émile', 'Søren', 'Yuki', 'Amara', 'Łukasz', 'Ana María'];
const LAST = ['Nordmann', 'Dubois', "O'Brien", 'Kowalski', '佐藤', 'van der Berg', 'Smith-Jones'];
/** Revenues that read differently in each database unless the scale is kept: 0.10, 82472.00, the largest. */
const REVENUES = [10, 8_247_200, 99_999_999_999_999, 0];
const SCORES = [0.1, 72.5, 1e-7, 3.141592653589793, 100, 0.30000000000000004, 1234567.125];

/** Companies (some deleted but kept) and contacts (with avatars, some deleted). */
export async function seedContacts(ctx: NorthwindContext): Promise<void> {
  await ctx.eachOrgRow(
    (org) => org.profile.companies,
    (org, i) => seedCompany(ctx, org, i),
  );
  await ctx.eachOrgRow(
    (org) => org.profile.contacts,
    (org, i) => seedContact(ctx, org, i),
  );
}

function seedCompany(ctx: NorthwindContext, org: OrgState, i: number): void {
  const { rng } = org;
  const id = uuidFrom(rng);
  org.companies.push(id);
  const created = NORTHWIND_EPOCH_MS + rng.int(500) * DAY;
  const revenue =
    i < REVENUES.length
      ? REVENUES[i]!
      : rng.chance(0.2)
        ? null
        : rng.int(2_000_000_000) * 100 + rng.int(100);
  ctx.insert('companies', {
    id,
    organization_id: org.profile.tenant.id,
    name:
      i < HARD_TEXT.length && HARD_TEXT[i] !== '' ? `${HARD_TEXT[i]!} AS` : `Company ${i + 1} Ltd`,
    domain: i % 7 === 3 ? null : i % 7 === 5 ? '' : `company${i + 1}.example`,
    industry: rng.chance(0.2) ? null : rng.pick(INDUSTRIES),
    employee_count: rng.chance(0.25) ? null : rng.between(1, 250_000),
    annual_revenue: revenue === null ? null : money(revenue),
    address: JSON.stringify(
      i % 4 === 0
        ? { street: 'Karl Johans gate 1', city: 'Oslo', postal_code: '0154', country: 'NO' }
        : i % 4 === 1
          ? {
              lines: ['Unit 4, "The Yard"', 'Leeds'],
              country: 'GB',
              geo: { lat: 53.8, lng: -1.55 },
            }
          : {},
    ),
    page_views: String(i === 0 ? 2 ** 40 + 7 : rng.int(1_000_000)),
    created_at: stampBetween(rng, created, created + DAY),
    deleted_at: i % 9 === 8 ? stampBetween(rng, created + DAY, NORTHWIND_END_MS) : null,
  });
}

/** A small image: PNG's signature, then a few bytes of "pixels", including 0x00 and 0xFF. */
function avatar(rng: Prng): Buffer {
  const pixels = Array.from({ length: 8 + rng.int(40) }, () => rng.int(256));
  return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, ...pixels]);
}

function seedContact(ctx: NorthwindContext, org: OrgState, i: number): void {
  const { rng } = org;
  const id = uuidFrom(rng);
  org.contacts.push(id);
  const created = NORTHWIND_EPOCH_MS + rng.int(500) * DAY;
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  ctx.insert('contacts', {
    id,
    organization_id: org.profile.tenant.id,
    company_id: maybePick(org, org.companies, 0.15),
    first_name: first,
    last_name: last,
    email: i % 10 === 9 ? null : `${first.toLowerCase().replace(/\W/g, '')}.${i}@mail.example`,
    phone:
      i % 3 === 0
        ? null
        : `+47 ${rng.between(400, 999)} ${rng.between(10, 99)} ${rng.between(100, 999)}`,
    avatar: i % 5 === 2 ? null : i % 5 === 4 ? Buffer.alloc(0) : avatar(rng),
    lead_score: i % 4 === 3 ? null : SCORES[i % SCORES.length]!,
    birthday:
      i % 6 === 0
        ? null
        : i === 1
          ? '1969-12-31'
          : i === 2
            ? '2000-02-29'
            : dateOf(Date.UTC(1950, 0, 1) + rng.int(20_000) * DAY),
    email_opt_in: rng.chance(0.6) ? 1 : 0,
    notes:
      i === 0
        ? LONG_TEXT
        : i < HARD_TEXT.length + 1
          ? HARD_TEXT[i - 1]!
          : rng.chance(0.5)
            ? null
            : 'Met at the trade fair.',
    created_at: stampBetween(rng, created, created + DAY),
    deleted_at: i % 11 === 10 ? stampBetween(rng, created + DAY, NORTHWIND_END_MS) : null,
  });
}
