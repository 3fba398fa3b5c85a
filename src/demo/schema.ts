/**
 * The database schema of the demo platform "Acme Tasks".
 *
 * Only plain `INTEGER` and `TEXT` columns are used so the same definitions port
 * to PostgreSQL (`BIGINT`, `TEXT`/`NUMERIC`/`TIMESTAMPTZ`/`JSONB`): timestamps
 * are RFC 3339 text with an offset, booleans are 0/1, JSON is text, exact
 * decimals are text.
 */

/** The storage class of a demo column. */
export type DemoColumnType = 'INTEGER' | 'TEXT';

/** One column of a demo table. */
export interface DemoColumn {
  readonly name: string;
  readonly type: DemoColumnType;
  /** Whether the column accepts NULL. */
  readonly nullable: boolean;
  /** `table(column)` this column references, if it is a foreign key. */
  readonly references?: string;
}

/** One table of the demo platform. */
export interface DemoTable {
  readonly name: string;
  readonly columns: readonly DemoColumn[];
  readonly primaryKey: readonly string[];
  /** Column naming the owning account; null for `task_labels`, owned through its task. */
  readonly tenantColumn: string | null;
}

const id = { name: 'id', type: 'INTEGER', nullable: false } as const;
const tenant = {
  name: 'tenant_id',
  type: 'TEXT',
  nullable: false,
  references: 'accounts(id)',
} as const;

function text(name: string, nullable = false): DemoColumn {
  return { name, type: 'TEXT', nullable };
}

function int(name: string, nullable = false): DemoColumn {
  return { name, type: 'INTEGER', nullable };
}

function ref(name: string, references: string, nullable = false): DemoColumn {
  return { name, type: 'INTEGER', nullable, references };
}

function table(name: string, columns: readonly DemoColumn[]): DemoTable {
  return { name, columns: [id, tenant, ...columns], primaryKey: ['id'], tenantColumn: 'tenant_id' };
}

/** Every table of the demo platform, in creation (and foreign-key) order. */
export const DEMO_TABLES: readonly DemoTable[] = [
  {
    name: 'accounts',
    columns: [
      text('id'),
      text('name'),
      text('plan'),
      text('billing_email', true),
      text('country_code', true),
      text('created_at'),
      text('updated_at', true),
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
    int('is_active'),
    text('time_zone', true),
    text('last_login_at', true),
    text('created_at'),
    text('deleted_at', true),
  ]),
  table('projects', [
    text('key'),
    text('name'),
    text('description', true),
    ref('owner_id', 'users(id)', true),
    text('color', true),
    int('is_archived'),
    text('created_at'),
    text('updated_at', true),
    text('deleted_at', true),
  ]),
  table('labels', [text('name'), text('color'), text('description', true), text('created_at')]),
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
    text('estimate_points', true),
    text('tags'),
    text('custom_fields'),
    text('due_date', true),
    text('completed_at', true),
    text('created_at'),
    text('updated_at'),
    text('deleted_at', true),
  ]),
  table('comments', [
    ref('task_id', 'tasks(id)'),
    ref('author_id', 'users(id)', true),
    text('body'),
    text('body_format'),
    text('created_at'),
    text('edited_at', true),
    text('deleted_at', true),
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
    text('created_at'),
  ]),
  {
    name: 'task_labels',
    columns: [
      ref('task_id', 'tasks(id)'),
      ref('label_id', 'labels(id)'),
      ref('added_by', 'users(id)', true),
      text('added_at'),
    ],
    primaryKey: ['task_id', 'label_id'],
    tenantColumn: null,
  },
  table('webhooks', [
    text('url'),
    text('description', true),
    text('events'),
    text('signing_secret', true),
    int('is_active'),
    ref('created_by', 'users(id)', true),
    text('created_at'),
    text('updated_at', true),
  ]),
  table('webhook_deliveries', [
    ref('webhook_id', 'webhooks(id)'),
    text('event_type'),
    text('payload'),
    int('attempt'),
    int('response_status', true),
    text('response_body', true),
    int('duration_ms', true),
    text('created_at'),
    text('delivered_at', true),
  ]),
  table('audit_events', [
    ref('actor_id', 'users(id)', true),
    text('action'),
    text('target_type'),
    text('target_id', true),
    text('ip_address', true),
    text('user_agent', true),
    text('metadata'),
    text('occurred_at'),
  ]),
  table('invoices', [
    text('number'),
    text('status'),
    text('currency'),
    int('subtotal_cents'),
    int('tax_cents'),
    int('total_cents'),
    text('tax_rate'),
    text('period_start'),
    text('period_end'),
    text('issued_at'),
    text('due_on'),
    text('paid_at', true),
    text('memo', true),
  ]),
  table('payment_methods', [
    text('processor'),
    text('processor_customer_id'),
    text('brand'),
    text('last4'),
    int('is_default'),
    text('created_at'),
    text('removed_at', true),
  ]),
  table('settings', [
    text('key'),
    text('value'),
    ref('updated_by', 'users(id)', true),
    text('updated_at'),
  ]),
  table('api_keys', [
    ref('user_id', 'users(id)', true),
    text('name'),
    text('key_prefix'),
    text('key_hash'),
    text('scopes'),
    text('created_at'),
    text('last_used_at', true),
    text('revoked_at', true),
  ]),
  table('sessions', [
    ref('user_id', 'users(id)'),
    text('token_hash'),
    text('ip_address', true),
    text('user_agent', true),
    text('created_at'),
    text('expires_at'),
  ]),
  table('search_index', [
    text('source_type'),
    int('source_id'),
    text('content'),
    text('indexed_at'),
  ]),
  {
    name: 'project_stats',
    columns: [
      ref('project_id', 'projects(id)'),
      tenant,
      int('open_tasks'),
      int('done_tasks'),
      int('comment_count'),
      text('last_activity_at', true),
      text('computed_at'),
    ],
    primaryKey: ['project_id'],
    tenantColumn: 'tenant_id',
  },
];

/** Looks up a demo table by name; throws if there is none. */
export function demoTable(name: string): DemoTable {
  const found = DEMO_TABLES.find((t) => t.name === name);
  if (!found) throw new Error(`unknown demo table "${name}"`);
  return found;
}

/** `CREATE TABLE` statement of one table. */
export function createTableSql(t: DemoTable): string {
  const lines = t.columns.map((c) => {
    let line = `  ${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}`;
    if (c.references) line += ` REFERENCES ${c.references}`;
    return line;
  });
  lines.push(`  PRIMARY KEY (${t.primaryKey.join(', ')})`);
  return `CREATE TABLE ${t.name} (\n${lines.join(',\n')}\n)`;
}

/**
 * Indexes the exports read through: every tenant-owned table by (tenant, key),
 * and the foreign keys that queries join on. Created after the bulk load.
 */
export function createIndexSql(): string[] {
  const out: string[] = [];
  for (const t of DEMO_TABLES) {
    if (t.tenantColumn === null || t.name === 'accounts') continue;
    const key = t.primaryKey.join(', ');
    out.push(`CREATE INDEX ${t.name}_tenant ON ${t.name} (${t.tenantColumn}, ${key})`);
  }
  out.push(
    'CREATE UNIQUE INDEX users_email ON users (tenant_id, email)',
    'CREATE UNIQUE INDEX settings_key ON settings (tenant_id, key)',
    'CREATE INDEX tasks_project ON tasks (project_id)',
    'CREATE INDEX comments_task ON comments (task_id)',
    'CREATE INDEX task_labels_label ON task_labels (label_id)',
  );
  return out;
}
