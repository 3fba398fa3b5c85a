/**
 * The database schema of the demo platform "Northwind CRM".
 *
 * Unlike Acme Tasks it uses the types a platform picks for itself: UUID keys
 * (SQLite `TEXT`, PostgreSQL `uuid`), exact amounts as SQLite `NUMERIC`
 * (which SQLite stores as integers or doubles) and PostgreSQL `numeric(p,s)`,
 * binary data (`BLOB`/`bytea`), doubles, enums (text in SQLite),
 * microsecond timestamps (`timestamptz`, RFC 3339 text in SQLite), bigint
 * counters beyond 2^53. Deals reach their organization through their pipeline;
 * notes and the contacts of a deal through the deal, then its pipeline.
 */
import type { DemoColumn, DemoSchema, DemoTable } from '../demo-schema.js';

function col(
  name: string,
  type: DemoColumn['type'],
  pgType: string,
  nullable = false,
  references?: string,
): DemoColumn {
  return references === undefined
    ? { name, type, pgType, nullable }
    : { name, type, pgType, nullable, references };
}

const uuid = (name: string, nullable = false, references?: string) =>
  col(name, 'TEXT', 'uuid', nullable, references);
const text = (name: string, nullable = false) => col(name, 'TEXT', 'text', nullable);
const int = (name: string, nullable = false) => col(name, 'INTEGER', 'integer', nullable);
const big = (name: string, nullable = false) => col(name, 'INTEGER', 'bigint', nullable);
const bool = (name: string) => col(name, 'INTEGER', 'boolean');
const stamp = (name: string, nullable = false) => col(name, 'TEXT', 'timestamptz', nullable);
const date = (name: string, nullable = false) => col(name, 'TEXT', 'date', nullable);
const json = (name: string) => col(name, 'TEXT', 'jsonb');
const money = (name: string, nullable = false) => col(name, 'NUMERIC', 'numeric(14,2)', nullable);
const rate = (name: string, nullable = false) => col(name, 'NUMERIC', 'numeric(5,4)', nullable);
const enumOf = (name: string, type: string, nullable = false) => col(name, 'TEXT', type, nullable);
const org = uuid('organization_id', false, 'organizations(id)');

/** Every table of Northwind CRM, in creation (and foreign-key) order. */
export const NORTHWIND_TABLES: readonly DemoTable[] = [
  {
    name: 'organizations',
    columns: [
      uuid('id'),
      text('name'),
      text('legal_name', true),
      enumOf('plan', 'plan_tier'),
      int('seats'),
      big('api_calls_total'),
      stamp('created_at'),
    ],
    primaryKey: ['id'],
    tenantColumn: 'id',
  },
  {
    name: 'members',
    columns: [
      uuid('id'),
      org,
      text('email'),
      text('full_name'),
      enumOf('role', 'member_role'),
      text('password_digest', true),
      bool('is_active'),
      big('login_count'),
      stamp('last_seen_at', true),
      stamp('created_at'),
      stamp('deactivated_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'workspace_settings',
    columns: [
      org,
      text('default_currency'),
      int('fiscal_year_start_month'),
      int('deal_rotting_days', true),
      rate('default_tax_rate'),
      json('features'),
      uuid('updated_by', true, 'members(id)'),
      stamp('updated_at'),
    ],
    primaryKey: ['organization_id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'pipelines',
    columns: [
      uuid('id'),
      org,
      text('name'),
      int('position'),
      bool('is_default'),
      text('webhook_url', true),
      text('webhook_token', true),
      stamp('created_at'),
      stamp('archived_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'pipeline_stages',
    columns: [
      uuid('pipeline_id', false, 'pipelines(id)'),
      int('position'),
      text('name'),
      rate('win_probability'),
      int('rotting_days', true),
      enumOf('closes_as', 'deal_status', true),
    ],
    primaryKey: ['pipeline_id', 'position'],
    tenantColumn: null,
    tenantPath: {
      through: [{ column: 'pipeline_id', table: 'pipelines', key: 'id' }],
      column: 'organization_id',
    },
  },
  {
    name: 'companies',
    columns: [
      uuid('id'),
      org,
      text('name'),
      text('domain', true),
      text('industry', true),
      int('employee_count', true),
      money('annual_revenue', true),
      json('address'),
      big('page_views'),
      stamp('created_at'),
      stamp('deleted_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'contacts',
    columns: [
      uuid('id'),
      org,
      uuid('company_id', true, 'companies(id)'),
      text('first_name'),
      text('last_name'),
      text('email', true),
      text('phone', true),
      col('avatar', 'BLOB', 'bytea', true),
      col('lead_score', 'REAL', 'double precision', true),
      date('birthday', true),
      bool('email_opt_in'),
      text('notes', true),
      stamp('created_at'),
      stamp('deleted_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'deals',
    columns: [
      uuid('id'),
      uuid('pipeline_id', false, 'pipelines(id)'),
      int('stage_position'),
      uuid('company_id', true, 'companies(id)'),
      uuid('owner_id', true, 'members(id)'),
      text('title'),
      money('amount'),
      text('currency'),
      enumOf('status', 'deal_status'),
      date('expected_close_on', true),
      json('custom_fields'),
      stamp('created_at'),
      stamp('closed_at', true),
      stamp('deleted_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: null,
    tenantPath: {
      through: [{ column: 'pipeline_id', table: 'pipelines', key: 'id' }],
      column: 'organization_id',
    },
    foreignKeys: [
      {
        columns: ['pipeline_id', 'stage_position'],
        table: 'pipeline_stages',
        keys: ['pipeline_id', 'position'],
      },
    ],
  },
  {
    name: 'deal_contacts',
    columns: [
      uuid('deal_id', false, 'deals(id)'),
      uuid('contact_id', false, 'contacts(id)'),
      text('role', true),
      bool('is_primary'),
      stamp('added_at'),
    ],
    primaryKey: ['deal_id', 'contact_id'],
    tenantColumn: null,
    tenantPath: {
      through: [
        { column: 'deal_id', table: 'deals', key: 'id' },
        { column: 'pipeline_id', table: 'pipelines', key: 'id' },
      ],
      column: 'organization_id',
    },
  },
  {
    name: 'deal_notes',
    columns: [
      big('id'),
      uuid('deal_id', false, 'deals(id)'),
      col('parent_note_id', 'INTEGER', 'bigint', true, 'deal_notes(id)'),
      uuid('author_id', true, 'members(id)'),
      text('body'),
      bool('is_pinned'),
      stamp('created_at'),
      stamp('edited_at', true),
      stamp('deleted_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: null,
    tenantPath: {
      through: [
        { column: 'deal_id', table: 'deals', key: 'id' },
        { column: 'pipeline_id', table: 'pipelines', key: 'id' },
      ],
      column: 'organization_id',
    },
  },
  {
    name: 'quote_lines',
    columns: [
      uuid('id'),
      uuid('deal_id', false, 'deals(id)'),
      int('position'),
      text('product_name'),
      col('quantity', 'NUMERIC', 'numeric(12,3)'),
      money('unit_price'),
      rate('discount_rate'),
    ],
    primaryKey: ['id'],
    tenantColumn: null,
    tenantPath: {
      through: [
        { column: 'deal_id', table: 'deals', key: 'id' },
        { column: 'pipeline_id', table: 'pipelines', key: 'id' },
      ],
      column: 'organization_id',
    },
  },
  {
    name: 'activities',
    columns: [
      big('id'),
      org,
      enumOf('kind', 'activity_kind'),
      text('subject'),
      uuid('contact_id', true, 'contacts(id)'),
      uuid('deal_id', true, 'deals(id)'),
      uuid('member_id', true, 'members(id)'),
      int('duration_seconds', true),
      stamp('occurred_at'),
    ],
    primaryKey: ['id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'api_tokens',
    columns: [
      uuid('id'),
      org,
      uuid('member_id', true, 'members(id)'),
      text('label'),
      text('token_hash'),
      stamp('created_at'),
      stamp('last_used_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'mailbox_sync_state',
    columns: [
      uuid('member_id', false, 'members(id)'),
      org,
      text('provider'),
      text('history_cursor'),
      stamp('synced_at'),
    ],
    primaryKey: ['member_id'],
    tenantColumn: 'organization_id',
  },
  {
    name: 'exchange_rates',
    columns: [text('currency'), date('rate_date'), col('usd_rate', 'NUMERIC', 'numeric(18,8)')],
    primaryKey: ['currency', 'rate_date'],
    tenantColumn: null,
  },
];

/** The database of Northwind CRM. */
export const NORTHWIND_SCHEMA: DemoSchema = {
  tables: NORTHWIND_TABLES,
  enums: [
    { name: 'plan_tier', values: ['starter', 'growth', 'enterprise'] },
    { name: 'member_role', values: ['owner', 'admin', 'rep', 'viewer'] },
    { name: 'deal_status', values: ['open', 'won', 'lost'] },
    { name: 'activity_kind', values: ['call', 'email', 'meeting', 'task'] },
  ],
  indexSql: (on) => [
    ...NORTHWIND_TABLES.filter(
      (t) =>
        t.tenantColumn !== null && t.name !== 'organizations' && t.primaryKey[0] !== t.tenantColumn,
    ).map(
      (t) =>
        `CREATE INDEX ${t.name}_tenant ON ${on(t.name)} (${t.tenantColumn}, ${t.primaryKey.join(', ')})`,
    ),
    `CREATE UNIQUE INDEX members_email ON ${on('members')} (organization_id, email)`,
    `CREATE INDEX deals_pipeline ON ${on('deals')} (pipeline_id, id)`,
    `CREATE INDEX deal_contacts_contact ON ${on('deal_contacts')} (contact_id)`,
    `CREATE INDEX deal_notes_deal ON ${on('deal_notes')} (deal_id, id)`,
    `CREATE INDEX quote_lines_deal ON ${on('quote_lines')} (deal_id, id)`,
  ],
};
