/**
 * The database schema of the demo platform "Acme Tasks".
 *
 * In SQLite only plain `INTEGER` and `TEXT` columns are used: timestamps are
 * RFC 3339 text with an offset, booleans are 0/1, JSON is text, exact decimals
 * are text. In PostgreSQL each column has the type that keeps its values exact
 * (`pgType`): `integer` ids, `timestamptz(3)` (the catalog's precision), `date`,
 * `numeric(p,s)` of the catalog's scale, `boolean`, `jsonb`.
 */

import type { DemoColumn, DemoSchema, DemoTable } from '../demo-schema.js';

type DemoPgType =
  | 'bigint'
  | 'integer'
  | 'boolean'
  | 'text'
  | 'numeric(12,2)'
  | 'numeric(8,4)'
  | 'date'
  | 'timestamptz(3)'
  | 'jsonb';

const id: DemoColumn = { name: 'id', type: 'INTEGER', pgType: 'integer', nullable: false };
const tenant: DemoColumn = {
  name: 'tenant_id',
  type: 'TEXT',
  pgType: 'text',
  nullable: false,
  references: 'accounts(id)',
};

function text(name: string, nullable = false, pgType: DemoPgType = 'text'): DemoColumn {
  return { name, type: 'TEXT', pgType, nullable };
}

function int(name: string, nullable = false, pgType: DemoPgType = 'integer'): DemoColumn {
  return { name, type: 'INTEGER', pgType, nullable };
}

function ref(name: string, references: string, nullable = false): DemoColumn {
  return { name, type: 'INTEGER', pgType: 'integer', nullable, references };
}

const stamp = (name: string, nullable = false) => text(name, nullable, 'timestamptz(3)');
const date = (name: string, nullable = false) => text(name, nullable, 'date');
const json = (name: string) => text(name, false, 'jsonb');
const decimal = (name: string, pgType: DemoPgType, nullable = false) =>
  text(name, nullable, pgType);
const bool = (name: string) => int(name, false, 'boolean');
const big = (name: string) => int(name, false, 'bigint');

function table(name: string, columns: readonly DemoColumn[]): DemoTable {
  return { name, columns: [id, tenant, ...columns], primaryKey: ['id'], tenantColumn: 'tenant_id' };
}

/** Every table of Acme Tasks, in creation (and foreign-key) order. */
export const DEMO_TABLES: readonly DemoTable[] = [
  {
    name: 'accounts',
    columns: [
      text('id'),
      text('name'),
      text('plan'),
      text('billing_email', true),
      text('country_code', true),
      stamp('created_at'),
      stamp('updated_at', true),
    ],
    primaryKey: ['id'],
    tenantColumn: 'id',
  },
  table('users', [
    text('email'),
    text('display_name'),
    text('job_title', true),
    text('password_hash', true),
    text('role'),
    bool('is_active'),
    text('time_zone', true),
    stamp('last_login_at', true),
    stamp('created_at'),
    stamp('deleted_at', true),
  ]),
  table('projects', [
    text('key'),
    text('name'),
    text('description', true),
    ref('owner_id', 'users(id)', true),
    text('color', true),
    bool('is_archived'),
    stamp('created_at'),
    stamp('updated_at', true),
    stamp('deleted_at', true),
  ]),
  table('labels', [text('name'), text('color'), text('description', true), stamp('created_at')]),
  table('tasks', [
    ref('project_id', 'projects(id)'),
    ref('parent_task_id', 'tasks(id)', true),
    int('number'),
    text('title'),
    text('description', true),
    text('status'),
    int('priority'),
    ref('assignee_id', 'users(id)', true),
    ref('reporter_id', 'users(id)'),
    decimal('estimate_points', 'numeric(12,2)', true),
    json('tags'),
    json('custom_fields'),
    date('due_date', true),
    stamp('completed_at', true),
    stamp('created_at'),
    stamp('updated_at'),
    stamp('deleted_at', true),
  ]),
  table('comments', [
    ref('task_id', 'tasks(id)'),
    ref('author_id', 'users(id)', true),
    text('body'),
    text('body_format'),
    stamp('created_at'),
    stamp('edited_at', true),
    stamp('deleted_at', true),
  ]),
  table('attachments', [
    ref('task_id', 'tasks(id)'),
    ref('comment_id', 'comments(id)', true),
    ref('uploaded_by', 'users(id)', true),
    text('filename'),
    text('content_type'),
    int('byte_size'),
    text('sha256'),
    text('storage_key'),
    stamp('created_at'),
  ]),
  {
    name: 'task_labels',
    columns: [
      ref('task_id', 'tasks(id)'),
      ref('label_id', 'labels(id)'),
      ref('added_by', 'users(id)', true),
      stamp('added_at'),
    ],
    primaryKey: ['task_id', 'label_id'],
    tenantColumn: null,
    tenantPath: {
      through: [{ column: 'task_id', table: 'tasks', key: 'id' }],
      column: 'tenant_id',
    },
  },
  table('webhooks', [
    text('url'),
    text('description', true),
    json('events'),
    text('signing_secret', true),
    bool('is_active'),
    ref('created_by', 'users(id)', true),
    stamp('created_at'),
    stamp('updated_at', true),
  ]),
  table('webhook_deliveries', [
    ref('webhook_id', 'webhooks(id)'),
    text('event_type'),
    json('payload'),
    int('attempt'),
    int('response_status', true),
    text('response_body', true),
    int('duration_ms', true),
    stamp('created_at'),
    stamp('delivered_at', true),
  ]),
  table('audit_events', [
    ref('actor_id', 'users(id)', true),
    text('action'),
    text('target_type'),
    text('target_id', true),
    text('ip_address', true),
    text('user_agent', true),
    json('metadata'),
    stamp('occurred_at'),
  ]),
  table('invoices', [
    text('number'),
    text('status'),
    text('currency'),
    big('subtotal_cents'),
    big('tax_cents'),
    big('total_cents'),
    decimal('tax_rate', 'numeric(8,4)'),
    date('period_start'),
    date('period_end'),
    stamp('issued_at'),
    date('due_on'),
    stamp('paid_at', true),
    text('memo', true),
  ]),
  table('payment_methods', [
    text('processor'),
    text('processor_customer_id'),
    text('brand'),
    text('last4'),
    bool('is_default'),
    stamp('created_at'),
    stamp('removed_at', true),
  ]),
  table('settings', [
    text('key'),
    json('value'),
    ref('updated_by', 'users(id)', true),
    stamp('updated_at'),
  ]),
  table('api_keys', [
    ref('user_id', 'users(id)', true),
    text('name'),
    text('key_prefix'),
    text('key_hash'),
    json('scopes'),
    stamp('created_at'),
    stamp('last_used_at', true),
    stamp('revoked_at', true),
  ]),
  table('sessions', [
    ref('user_id', 'users(id)'),
    text('token_hash'),
    text('ip_address', true),
    text('user_agent', true),
    stamp('created_at'),
    stamp('expires_at'),
  ]),
  table('search_index', [
    text('source_type'),
    big('source_id'),
    text('content'),
    stamp('indexed_at'),
  ]),
  {
    name: 'project_stats',
    columns: [
      ref('project_id', 'projects(id)'),
      tenant,
      int('open_tasks'),
      int('done_tasks'),
      int('comment_count'),
      stamp('last_activity_at', true),
      stamp('computed_at'),
    ],
    primaryKey: ['project_id'],
    tenantColumn: 'tenant_id',
  },
];

/**
 * Indexes the exports read through: every tenant-owned table by (tenant, key),
 * and the foreign keys that queries join on. Created after the bulk load.
 * @param on - Renders a table name into a statement, e.g. qualified by a schema. (Default: the bare name)
 */
export function createIndexSql(on: (table: string) => string = (name) => name): string[] {
  const out: string[] = [];
  for (const t of DEMO_TABLES) {
    if (t.tenantColumn === null || t.name === 'accounts') continue;
    const key = t.primaryKey.join(', ');
    out.push(`CREATE INDEX ${t.name}_tenant ON ${on(t.name)} (${t.tenantColumn}, ${key})`);
  }
  out.push(
    `CREATE UNIQUE INDEX users_email ON ${on('users')} (tenant_id, email)`,
    `CREATE UNIQUE INDEX settings_key ON ${on('settings')} (tenant_id, key)`,
    `CREATE INDEX tasks_project ON ${on('tasks')} (project_id)`,
    `CREATE INDEX comments_task ON ${on('comments')} (task_id)`,
    `CREATE INDEX task_labels_label ON ${on('task_labels')} (label_id)`,
  );
  return out;
}

/** The database of Acme Tasks. */
export const ACME_TASKS_SCHEMA: DemoSchema = {
  tables: DEMO_TABLES,
  enums: [],
  indexSql: createIndexSql,
};
