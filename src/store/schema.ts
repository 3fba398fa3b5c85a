import type { Generated } from 'kysely';
import type { WebhookTables } from './webhook-tables.js';

/** Rows of Portage's own state, as Kysely sees them. Times are RFC 3339 UTC text with ms. */
export interface StateDatabase extends WebhookTables {
  tenants: TenantTable;
  api_keys: ApiKeyTable;
  exports: ExportTable;
  secrets: SecretTable;
  imports: ImportTable;
  export_mails: ExportMailTable;
  portal_links: PortalLinkTable;
  portal_sessions: PortalSessionTable;
}

export interface TenantTable {
  id: string;
  name: string;
  created_at: string;
  /** JSON of the tenant's own `Partial<Limits>`, or null for the defaults. */
  limits: string | null;
}

export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  /** sha256 of the key; the key itself is never stored. */
  key_hash: string;
  created_at: string;
  /** The key's first characters (`ptg_` and 8 more), to recognise it by; null for keys made before prefixes were kept. */
  prefix: string | null;
  /** A mark of who made the key: `demo` for the keys `portage serve` prints in demo mode. */
  label: string | null;
  /** When the key stops working; null: never. */
  expires_at: string | null;
  revoked_at: string | null;
  /** When a request last used the key, to within a minute. */
  last_used_at: string | null;
}

export interface ExportTable {
  id: string;
  tenant_id: string;
  status: string;
  purpose: string;
  /** JSON array of formats. */
  formats: string;
  /** JSON array of requested category names. */
  categories: string;
  /** JSON of the CSV options. */
  csv: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  categories_total: Generated<number>;
  categories_done: Generated<number>;
  rows_written: Generated<number>;
  bytes_written: Generated<number>;
  file_name: string | null;
  file_bytes: number | null;
  file_sha256: string | null;
  storage_key: string | null;
  error_code: string | null;
  error_message: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** 1 while the export counts against the tenant's quota. */
  charged: number;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** Incremented at every claim and cancel; a worker may write only with the current one. */
  fence: Generated<number>;
  /** Where the export's end is mailed (`notify_email`), or null. */
  notify_email?: string | null;
  /** The base URL the mail's link is built on (`PORTAGE_PUBLIC_URL` or the request's). */
  notify_base_url?: string | null;
}

/** The mail outbox: one row per export whose end is mailed. */
export interface ExportMailTable {
  export_id: string;
  /** `completed` or `failed`: which mail. */
  kind: string;
  /** `pending`, `sent`, `failed` (given up) or `skipped`. */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** Why the last attempt failed; never holds the address. */
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface SecretTable {
  name: string;
  value: string;
  created_at: string;
}

export interface ImportTable {
  id: string;
  tenant_id: string;
  status: string;
  mode: string;
  /** 1 when the import only checks and reports. */
  dry_run: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** Where an earlier version kept the uploaded archive on local disk; now the same as `upload_key`. */
  upload_path: string;
  /** The object-store key the uploaded archive waits under until its import finishes (null: `upload_path`). */
  upload_key: string | null;
  upload_bytes: number;
  /** The process running the import, while it runs. */
  lease_owner: string | null;
  /** Until when that process holds it; past this, another process may take it over. */
  lease_expires_at: string | null;
  /** How many times a process has started it. */
  attempts: number;
  /** JSON object: rows per category. */
  counts: string;
  /** JSON array of `{category, key}`. */
  conflicts: string;
  /** 1 when the bundle's origin was proven (its signature verified), else 0. */
  trusted: Generated<number>;
  error_code: string | null;
  error_message: string | null;
}

/** A one-time link to the customer's page, until it is opened or expires. */
export interface PortalLinkTable {
  /** sha256 of the link's token; the token itself is never stored. */
  token_hash: string;
  tenant_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
  /** When the link was opened; a link opens once. */
  consumed_at: string | null;
}

/** A cookie session on the customer's page, started by opening a link. */
export interface PortalSessionTable {
  /** sha256 of the cookie's token. */
  token_hash: string;
  tenant_id: string;
  return_url: string | null;
  created_at: string;
  expires_at: string;
}
