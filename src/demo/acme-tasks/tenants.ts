import type { DemoTenant } from '../demo-platform.js';

/**
 * The demo platform's accounts: `acme` (the largest), `globex`, `initech`, and
 * `sandbox`, an empty account (only its `accounts` row) that a duplication round
 * trip can import into.
 */
export const DEMO_TENANTS: readonly DemoTenant[] = [
  { id: 'acme', name: 'Acme Corporation' },
  { id: 'globex', name: 'Globex Corporation' },
  { id: 'initech', name: 'Initech' },
  { id: 'sandbox', name: 'Sandbox' },
];

/** How many rows of each kind one tenant gets at a given scale. */
export interface TenantProfile {
  readonly tenant: DemoTenant;
  /** Position in {@link DEMO_TENANTS}. */
  readonly slot: number;
  readonly users: number;
  readonly projects: number;
  readonly labels: number;
  readonly tasks: number;
  /** Capped whatever the scale: each is a real file on disk. */
  readonly attachments: number;
  readonly webhooks: number;
  readonly deliveries: number;
  readonly invoices: number;
  readonly paymentMethods: number;
  readonly apiKeys: number;
}

/** Rows per unit of scale; `min` keeps every hard case present at small scales. */
interface Rate {
  readonly perScale: number;
  readonly min: number;
}

type Rates = { readonly [K in Exclude<keyof TenantProfile, 'tenant' | 'slot'>]: Rate };

const r = (perScale: number, min: number): Rate => ({ perScale, min });

const RATES: Readonly<Record<string, Rates>> = {
  acme: {
    users: r(40, 12),
    projects: r(8, 3),
    labels: r(0, 12),
    tasks: r(2000, 40),
    attachments: r(0, 6),
    webhooks: r(0, 3),
    deliveries: r(400, 20),
    invoices: r(0, 42),
    paymentMethods: r(0, 3),
    apiKeys: r(0, 4),
  },
  globex: {
    users: r(15, 6),
    projects: r(4, 2),
    labels: r(0, 8),
    tasks: r(500, 25),
    attachments: r(0, 4),
    webhooks: r(0, 2),
    deliveries: r(100, 10),
    invoices: r(0, 24),
    paymentMethods: r(0, 2),
    apiKeys: r(0, 2),
  },
  initech: {
    users: r(8, 4),
    projects: r(3, 2),
    labels: r(0, 6),
    tasks: r(200, 25),
    attachments: r(0, 3),
    webhooks: r(0, 1),
    deliveries: r(40, 5),
    invoices: r(0, 12),
    paymentMethods: r(0, 1),
    apiKeys: r(0, 1),
  },
};

/**
 * Row counts per tenant at `scale`: each count is `round(perScale × scale)`, never
 * below a floor that keeps the hard cases present. At scale 1 `acme` has 2,000
 * tasks, 40 users, 8 projects and 400 webhook deliveries, `globex` 500 tasks and
 * `initech` 200 tasks; at scale 500 `acme` has 1,000,000 tasks. Comments (about
 * 1.5 per task), task labels (about 1) and audit events (about 0.5) follow the
 * tasks, sessions follow the users. Labels, webhooks, API keys, attachments,
 * invoices (one a month), payment methods and settings do not grow with scale.
 * `sandbox` is always empty.
 */
export function tenantProfiles(scale: number): TenantProfile[] {
  return DEMO_TENANTS.map((tenant, slot) => {
    const rates = RATES[tenant.id];
    const count = (rate: Rate | undefined): number =>
      rate ? Math.max(rate.min, Math.round(rate.perScale * scale)) : 0;
    return {
      tenant,
      slot,
      users: count(rates?.users),
      projects: count(rates?.projects),
      labels: count(rates?.labels),
      tasks: count(rates?.tasks),
      attachments: count(rates?.attachments),
      webhooks: count(rates?.webhooks),
      deliveries: count(rates?.deliveries),
      invoices: count(rates?.invoices),
      paymentMethods: count(rates?.paymentMethods),
      apiKeys: count(rates?.apiKeys),
    };
  });
}
