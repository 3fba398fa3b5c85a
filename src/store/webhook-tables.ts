/** Portage's webhook tables, as Kysely sees them (migration 0005). Times are RFC 3339 UTC text with ms. */
export interface WebhookTables {
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
}

export interface WebhookEndpointTable {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  /** JSON array of the event types sent to this endpoint. */
  events: string;
  /** `whsec_` and the base64 of the signing key. */
  secret: string;
  /** `enabled` or `disabled`. */
  status: string;
  created_at: string;
  /** When the current run of failed attempts began; null after a success. */
  failing_since: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
}

/** The outbox: one row per terminal state change, written by a trigger in the same statement. */
export interface WebhookEventTable {
  id: string;
  tenant_id: string;
  /** `export.completed`, `import.failed`, … */
  type: string;
  object_id: string;
  created_at: string;
  /** The body sent, rendered once when the event is fanned out to the endpoints. */
  payload: string | null;
  /** 1 once a delivery row exists for each endpoint that wanted the event. */
  fanned_out: number;
}

export interface WebhookDeliveryTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  tenant_id: string;
  event_type: string;
  /** `pending`, `succeeded` or `failed` (gave up). */
  status: string;
  attempts: number;
  created_at: string;
  /** When the next attempt may start; null once the delivery ended. */
  next_attempt_at: string | null;
  completed_at: string | null;
  /** The process sending it right now, and until when. */
  lease_owner: string | null;
  lease_expires_at: string | null;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  endpoint_id: string;
  event_type: string;
  /** 1 for the first attempt of its delivery. */
  number: number;
  started_at: string;
  /** `sending`, `succeeded`, `failed`, `timeout`, `refused` or `interrupted`. */
  outcome: string;
  duration_ms: number | null;
  response_status: number | null;
  error: string | null;
}
