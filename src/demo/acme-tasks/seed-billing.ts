import { recordAudit } from './audit-events.js';
import { HARD_CUSTOM_FIELDS, LARGE_SUBTOTAL_CENTS } from './hard-cases.js';
import { pickUser, type SeedContext, type TenantState } from './seed-context.js';
import { DEMO_END_MS, DEMO_EPOCH_MS, formatDate } from './timestamps.js';

const DAY = 86_400_000;
const CURRENCIES = ['USD', 'EUR', 'JPY'];
/** Tax rates in basis points (825 is 0.0825), written with four decimals. */
const TAX_RATES = [825, 1900, 1000];
const BRANDS = ['visa', 'mastercard', 'amex'];
const LAST4 = ['4242', '0005', '1117'];
const EVENTS = [
  '["task.created","task.updated","task.deleted"]',
  '["*"]',
  '["comment.created"]',
  '[]',
];
const STATUS_BODIES: readonly (readonly [number | null, string | null])[] = [
  [200, 'OK'],
  [200, '{"received":true}'],
  [204, ''],
  [500, 'Internal Server Error\r\n<html>…</html>'],
  [410, '{"error":"gone","detail":"endpoint \\"retired\\""}'],
  [null, null],
];

/** Settings every non-empty tenant holds: JSON values of every kind, including JSON null. */
const SETTINGS: readonly (readonly [string, string])[] = [
  ['locale', '"fr-FR"'],
  ['week_start', '1'],
  ['notifications', '{"slack":null,"email":{"mentions":true,"digest":"daily"}}'],
  ['features', '["timeline","automations",{"name":"ai","enabled":false}]'],
  ['custom_field_schema', HARD_CUSTOM_FIELDS[0] ?? '{}'],
  ['legacy_flag', 'null'],
  ['beta_opt_in', 'false'],
  ['working_hours', '{"10":"late start","2":"early start","mon":[9,17]}'],
  ['sla_hours', '24.5'],
  ['welcome_message', '"Bienvenue ! 🎉\\nLine two, \\"quoted\\""'],
];

/** Fills `webhooks`, `webhook_deliveries`, `invoices`, `payment_methods` and `settings`. */
export async function seedBilling(ctx: SeedContext): Promise<void> {
  const webhooks = new Map<TenantState, number[]>();
  await ctx.eachTenantRow(
    (s) => s.profile.webhooks,
    (s, i) => {
      const ids = webhooks.get(s) ?? [];
      ids.push(seedWebhook(ctx, s, i));
      webhooks.set(s, ids);
    },
  );
  await ctx.eachTenantRow(
    (s) => s.profile.deliveries,
    (s, i) => seedDelivery(ctx, s, i, webhooks.get(s) ?? []),
  );
  await ctx.eachTenantRow(
    (s) => s.profile.invoices,
    (s, i) => seedInvoice(ctx, s, i),
  );
  await ctx.eachTenantRow(
    (s) => s.profile.paymentMethods,
    (s, i) => seedPaymentMethod(ctx, s, i),
  );
  await ctx.eachTenantRow(
    (s) => (s.profile.users > 0 ? SETTINGS.length : 0),
    (s, i) => seedSetting(ctx, s, i),
  );
}

function seedWebhook(ctx: SeedContext, state: TenantState, i: number): number {
  const { rng, profile } = state;
  const id = ctx.nextId('webhooks');
  const created = DEMO_EPOCH_MS + (60 + i * 45) * DAY;
  ctx.insert('webhooks', {
    id,
    tenant_id: profile.tenant.id,
    url:
      i === 1
        ? `https://hooks.example.com/${profile.tenant.id}/in?source=tasks&ids=1,2,3`
        : `https://${profile.tenant.id}.example.com/webhooks/tasks/${i + 1}`,
    description: i % 3 === 0 ? null : i % 3 === 1 ? '' : 'Sync to the "ops" dashboard, nightly',
    events: EVENTS[i % EVENTS.length] ?? '[]',
    signing_secret: `whsec_${rng.hex(32)}`,
    is_active: i === profile.webhooks - 1 && i > 0 ? 0 : 1,
    created_by: rng.chance(0.2) ? null : pickUser(state),
    created_at: ctx.stamp(created),
    updated_at: ctx.maybeStamp(rng, 0.5, created + rng.int(200) * DAY),
  });
  return id;
}

function seedDelivery(ctx: SeedContext, state: TenantState, i: number, webhooks: number[]): void {
  const { rng, profile } = state;
  const at =
    DEMO_EPOCH_MS + 120 * DAY + Math.floor(((i + rng.next()) * 800 * DAY) / profile.deliveries);
  const [status, body] = STATUS_BODIES[rng.int(STATUS_BODIES.length)] ?? [null, null];
  const taskId = state.projectLastTask[i % state.projectLastTask.length] ?? 0;
  ctx.insert('webhook_deliveries', {
    id: ctx.nextId('webhook_deliveries'),
    tenant_id: profile.tenant.id,
    webhook_id: webhooks[i % webhooks.length] ?? 0,
    event_type: 'task.updated',
    payload: `{"event":"task.updated","data":{"id":${taskId},"changes":{"title":["Old, \\"draft\\"","New\\r\\ntitle"]}},"attempt_meta":{"10":1,"2":[{"b":1,"a":2}]}}`,
    attempt: rng.between(1, 3),
    response_status: status,
    response_body: body,
    duration_ms: status === null ? null : rng.between(12, 9000),
    created_at: ctx.stamp(at),
    delivered_at: status === null ? null : ctx.stamp(at + rng.between(12, 9000)),
  });
}

function seedInvoice(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const month = 42 - profile.invoices + i;
  const start = Date.UTC(2022, month, 1);
  const end = Date.UTC(2022, month + 1, 0);
  const issued = Date.UTC(2022, month + 1, 1, 6);
  const rate = i === 3 ? 0 : (TAX_RATES[profile.slot] ?? 0);
  const subtotal =
    profile.slot === 0 && i === 10
      ? LARGE_SUBTOTAL_CENTS
      : i === 7
        ? -50_000
        : (1_250_000 >> profile.slot) + i * 10_000 + rng.int(100) * 100;
  const exactTax = (subtotal * rate) / 10_000;
  const tax = exactTax < 0 ? 0 - Math.round(-exactTax) : Math.round(exactTax);
  const status = i === profile.invoices - 1 ? 'open' : i === 5 ? 'void' : 'paid';
  ctx.insert('invoices', {
    id: ctx.nextId('invoices'),
    tenant_id: profile.tenant.id,
    number: `${profile.tenant.id.toUpperCase()}-${formatDate(start).slice(0, 7)}-${String(i + 1).padStart(4, '0')}`,
    status,
    currency: CURRENCIES[profile.slot] ?? 'USD',
    subtotal_cents: subtotal,
    tax_cents: tax,
    total_cents: subtotal + tax,
    tax_rate: (rate / 10_000).toFixed(4),
    period_start: formatDate(start),
    period_end: formatDate(end),
    issued_at: ctx.stamp(issued),
    due_on: formatDate(issued + 30 * DAY),
    paid_at: status === 'paid' ? ctx.stamp(issued + rng.between(1, 20) * DAY) : null,
    memo:
      i === 7
        ? 'Credit note: service outage, 3 days ("incident #42")'
        : i === 3
          ? 'Tax exempt — certificate on file'
          : i % 4 === 0
            ? ''
            : null,
  });
}

function seedPaymentMethod(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const created = DEMO_EPOCH_MS + i * 200 * DAY;
  ctx.insert('payment_methods', {
    id: ctx.nextId('payment_methods'),
    tenant_id: profile.tenant.id,
    processor: 'stripe',
    processor_customer_id: `cus_${rng.hex(14)}`,
    brand: BRANDS[i % BRANDS.length] ?? 'visa',
    last4: LAST4[i % LAST4.length] ?? '0000',
    is_default: i === 0 ? 1 : 0,
    created_at: ctx.stamp(created),
    removed_at: i === 1 ? ctx.stamp(created + 90 * DAY) : null,
  });
}

function seedSetting(ctx: SeedContext, state: TenantState, i: number): void {
  const { rng, profile } = state;
  const [key, value] = SETTINGS[i] ?? ['unknown', 'null'];
  const at = DEMO_END_MS - (i + 1) * 7 * DAY;
  ctx.insert('settings', {
    id: ctx.nextId('settings'),
    tenant_id: profile.tenant.id,
    key,
    value,
    updated_by: i % 4 === 0 ? null : pickUser(state),
    updated_at: ctx.stamp(at + rng.int(DAY)),
  });
  recordAudit(ctx, state, {
    action: 'settings.updated',
    targetType: 'setting',
    targetId: key,
    at,
    metadata: `{"key":"${key}","to":${value}}`,
  });
}
