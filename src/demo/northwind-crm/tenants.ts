import type { DemoTenant } from '../demo-platform.js';

/**
 * Northwind CRM's organizations. Their ids are UUIDs, as on the platform
 * itself: the value of `--tenant`. The last, "Tailspin Sandbox", is empty
 * (only its `organizations` row), the target of round trips.
 */
export const NORTHWIND_TENANTS: readonly DemoTenant[] = [
  { id: '3f2a9c64-5b1e-4d8a-9f27-0c6d1e8b7a51', name: 'Northwind Traders' },
  { id: 'a7c4e2d0-91b3-4f6e-8a25-d3b9f1c07e84', name: 'Contoso Ltd.' },
  { id: '0d5b8e13-c6a7-4921-b4f0-7e2a9d36c58f', name: 'Fabrikam, Inc.' },
  { id: 'f9e1d7c3-2a4b-4c6d-8e0f-1a2b3c4d5e6f', name: 'Tailspin Sandbox' },
];

/** How many rows of each kind one organization gets at a given scale. */
export interface NorthwindProfile {
  readonly tenant: DemoTenant;
  readonly members: number;
  readonly pipelines: number;
  readonly companies: number;
  readonly contacts: number;
  /** Notes, quote lines, deal contacts and activities follow the deals. */
  readonly deals: number;
}

/** The share of the largest organization's rows each one gets. */
const SHARES = [1, 0.4, 0.15, 0];

/**
 * Row counts per organization at `scale`: at scale 1 Northwind Traders has 200
 * deals, 120 contacts, 40 companies and 12 members, Contoso 40 % of that and
 * Fabrikam 15 %, never below a floor that keeps every hard case present; about
 * 1.5 notes, 1.5 deal contacts, 1 quote line and 2 activities per deal.
 * Pipelines (2, and an archived third for the largest) do not grow with scale.
 * The sandbox is always empty.
 */
export function northwindProfiles(scale: number): NorthwindProfile[] {
  return NORTHWIND_TENANTS.map((tenant, slot) => {
    const share = SHARES[slot] ?? 0;
    const count = (perScale: number, min: number) =>
      share === 0 ? 0 : Math.max(min, Math.round(perScale * share * scale));
    return {
      tenant,
      members: count(12, 4),
      pipelines: share === 0 ? 0 : slot === 0 ? 3 : 2,
      companies: count(40, 6),
      contacts: count(120, 14),
      deals: count(200, 24),
    };
  });
}
